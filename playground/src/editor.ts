/**
 * The program panel: the page's training as a program in natural arithmetic, in an editor. It
 * follows the page until it is edited; then the text is the user's, until they take the page's
 * back. Run compiles the text in the program worker (the transformer's rewriter over the
 * TypeScript compiler) and runs it there; what it prints shows below, and a problem, in
 * compiling or in running, is marked at its line.
 */
import { javascript } from '@codemirror/lang-javascript';
import { setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { basicSetup, EditorView } from 'codemirror';
import type { ProgramProblem } from './compiler';
import type { ProgramReply } from './program-worker';

export interface ProgramPanelElements {
  editor: HTMLElement;
  /** What the program printed, and its problems. */
  output: HTMLElement;
  /** Where the run is: compiling, running, finished. */
  status: HTMLElement;
  run: HTMLButtonElement;
  stop: HTMLButtonElement;
  /** Shown once the text is the user's: takes the page's program back. */
  revert: HTMLButtonElement;
}

export class ProgramPanel {
  private readonly view: EditorView;
  /** The text is the user's: the page no longer writes its program over it. */
  private edited = false;
  /** The page is writing its program: the change is not the user's. */
  private writing = false;
  /** The page's latest program, for when the user takes it back. */
  private pages = '';
  private worker?: Worker;
  private compiledIn = '';

  constructor(private readonly elements: ProgramPanelElements) {
    this.view = new EditorView({
      parent: elements.editor,
      extensions: [
        basicSetup,
        javascript({ typescript: true }),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          elements.editor.dataset.program = update.state.doc.toString();
          if (!this.writing && !this.edited) {
            this.edited = true;
            elements.revert.hidden = false;
          }
        }),
      ],
    });
    elements.stop.addEventListener('click', () => this.stop('stopped'));
    elements.revert.addEventListener('click', () => {
      this.edited = false;
      elements.revert.hidden = true;
      this.show(this.pages);
    });
  }

  get text(): string {
    return this.view.state.doc.toString();
  }

  /** The page's program, shown unless the user has made the text theirs. */
  show(program: string): void {
    this.pages = program;
    if (this.edited || program === this.text) return;
    this.writing = true;
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: program } });
    this.writing = false;
  }

  run(): void {
    const { output, run, stop } = this.elements;
    this.view.dispatch(setDiagnostics(this.view.state, []));
    output.replaceChildren();
    this.say(this.worker ? 'compiling…' : 'loading the compiler, then compiling…');
    run.disabled = true;
    stop.hidden = false;
    this.worker ??= new Worker(new URL('./program-worker.ts', import.meta.url), {
      type: 'module',
    });
    this.worker.onmessage = (event: MessageEvent<ProgramReply>) => this.hear(event.data);
    this.worker.postMessage({ program: this.text });
  }

  /** Ends the run: the worker goes, and the compiler with it (the next run loads it again). */
  private stop(why: string): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.finish(why);
  }

  private hear(reply: ProgramReply): void {
    if (reply.type === 'compiled') {
      this.compiledIn = `compiled in ${reply.ms.toFixed(0)} ms`;
      this.say(`${this.compiledIn}; running…`);
    } else if (reply.type === 'printed') {
      this.print(reply.line);
    } else if (reply.type === 'failed') {
      for (const problem of reply.problems) {
        this.print(`line ${problem.line}: ${problem.message}`, 'problem');
      }
      this.mark(reply.problems);
      this.finish(reply.during === 'compiling' ? 'not run' : `${this.compiledIn}; stopped`);
    } else {
      this.finish(`${this.compiledIn}, ran in ${reply.ms.toFixed(0)} ms`);
    }
  }

  private finish(why: string): void {
    this.say(why);
    this.elements.run.disabled = false;
    this.elements.stop.hidden = true;
  }

  private print(text: string, kind = 'printed'): void {
    const line = document.createElement('div');
    line.className = kind;
    line.textContent = text;
    this.elements.output.append(line);
  }

  private say(text: string): void {
    this.elements.status.textContent = text;
  }

  /** Marks each problem from its place to its line's end in the text as it is now. */
  private mark(problems: readonly ProgramProblem[]): void {
    const { doc } = this.view.state;
    const diagnostics: Diagnostic[] = problems.map((problem) => {
      const line = doc.line(Math.min(problem.line, doc.lines));
      const from = Math.min(line.from + problem.column - 1, line.to);
      return { from, to: Math.max(line.to, from), severity: 'error', message: problem.message };
    });
    this.view.dispatch(setDiagnostics(this.view.state, diagnostics));
  }
}
