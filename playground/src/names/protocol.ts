/**
 * What the names view and its worker (examples/microgpt/worker.ts, which trains microgpt) say to
 * each other. Types only: the page imports this, never the worker or the model, so that the
 * page's own type-check (plain tsc) does not meet the model's natural arithmetic.
 */

/** Each request about a model names the run it is about; a reply about an older run is dropped. */
export type NamesRequest =
  /** makemore's names.txt as text: the documents, one a line. */
  | { type: 'data'; text: string }
  /** A fresh model (microgpt.py's seed, so its weights), to train for `numSteps` steps. */
  | { type: 'reset'; run: number; numSteps: number }
  | { type: 'play'; run: number }
  | { type: 'pause'; run: number }
  /** The attention weights of the model as it is now, reading `name`. */
  | { type: 'attention'; run: number; name: string };

export type NamesReply =
  | {
      type: 'ready';
      run: number;
      numDocs: number;
      vocabSize: number;
      numParams: number;
      numSteps: number;
      /** Names the untrained model makes up. */
      samples: Samples;
    }
  | {
      type: 'trained';
      run: number;
      /** Steps taken so far. */
      step: number;
      /** The loss of each step since the last reply, in order. */
      losses: number[];
      /** Names made up at this step, when it is time to refresh them. */
      samples?: Samples;
      /** Whether training stopped: paused, or all its steps taken. */
      stopped: boolean;
    }
  | {
      type: 'attention';
      run: number;
      name: string;
      /** What each row and column stands for: BOS, then the name's letters. */
      tokens: string[];
      /** For each head of the first layer: a row for each token, of its weight on each token up to it. */
      heads: number[][][];
      /** The step the model was at. */
      step: number;
    }
  | { type: 'failed'; run: number; during: NamesRequest['type']; message: string };

export interface Samples {
  step: number;
  names: string[];
  /**
   * Drawn with microgpt's own random after its last step: the names microgpt.py prints after
   * training this many steps. Otherwise drawn with the same fresh draws each time, which leaves
   * microgpt's own untouched, so that only the model changes them.
   */
  final: boolean;
}
