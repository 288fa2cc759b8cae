/**
 * The program panel before it is used: the program as plain text. The editor (CodeMirror and
 * the rest of editor.ts, ten times the page's own script) is fetched when the text is clicked
 * or the program is run, so that the page starts as fast as it did without one.
 */
import type { ProgramPanel, ProgramPanelElements } from './editor';

export class LazyProgramPanel {
  private program = '';
  private readonly plain = document.createElement('pre');
  private editor?: Promise<ProgramPanel>;
  private opened?: ProgramPanel;

  constructor(private readonly elements: ProgramPanelElements) {
    elements.editor.append(this.plain);
    this.plain.title = 'click to edit';
    this.plain.addEventListener('click', () => void this.open());
    elements.run.addEventListener('click', () => void this.open().then((panel) => panel.run()));
  }

  /** The page's program, shown unless the user has made the text theirs. */
  show(program: string): void {
    this.program = program;
    if (this.opened) {
      this.opened.show(program);
    } else {
      this.plain.textContent = program;
      this.elements.editor.dataset.program = program;
    }
  }

  /** The text as shown: the page's program, or the user's. */
  get text(): string {
    return this.opened?.text ?? this.program;
  }

  private open(): Promise<ProgramPanel> {
    this.editor ??= import('./editor').then(({ ProgramPanel }) => {
      this.plain.remove();
      this.opened = new ProgramPanel(this.elements);
      this.opened.show(this.program);
      return this.opened;
    });
    return this.editor;
  }
}
