/**
 * The playground's two views: the network (the page as it opens) and names, where microgpt learns
 * makemore's names. The names view, its worker and names.txt are fetched the first time it
 * opens, so that the page starts as small as it did with one view. index.html loads this beside
 * main.ts, which knows nothing of the names view.
 */
type View = 'network' | 'names';

const button = (view: View) => document.getElementById(`view-${view}`) as HTMLButtonElement;
const main = (view: View) => document.getElementById(`${view}-view`)!;
let opened: Promise<void> | undefined;

function show(view: View): void {
  for (const each of ['network', 'names'] as const) {
    main(each).hidden = each !== view;
    button(each).setAttribute('aria-pressed', String(each === view));
  }
  // The address says which view is shown (its `view`, which link.ts checks), so that a link opens it.
  const query = hashQuery();
  if (view === 'names') query.set('view', 'names');
  else query.delete('view');
  window.history.replaceState(null, '', `#${query.toString()}`);
  if (view === 'names') {
    // The network's training stops while it is out of sight (its pause button, if it plays).
    const pause = document.getElementById('pause') as HTMLButtonElement | null;
    if (pause && !pause.disabled) pause.click();
    opened ??= import('./view').then(
      ({ openNamesView }) => openNamesView(main('names')),
      (error: unknown) => {
        opened = undefined; // the next click tries again
        main('names').textContent = `The names view did not load: ${String(error)}`;
      },
    );
  }
}

button('network').addEventListener('click', () => show('network'));
button('names').addEventListener('click', () => show('names'));
if (hashQuery().get('view') === 'names') show('names');

function hashQuery(): URLSearchParams {
  return new URLSearchParams(location.hash.replace(/^#/, ''));
}

/**
 * Space and → belong to the view shown. The network view's (main.ts) listen on the document: in
 * the names view they stop here, on their way down, and space trains or pauses the names view.
 */
window.addEventListener(
  'keydown',
  (event) => {
    if (main('names').hidden || (event.key !== ' ' && event.key !== 'ArrowRight')) return;
    const target = event.target as HTMLElement;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.closest('input, select, textarea, button, summary, [contenteditable], a')) return;
    event.stopPropagation();
    event.preventDefault();
    const play = document.getElementById('names-play') as HTMLButtonElement | null;
    if (event.key === ' ' && play && !play.disabled) play.click();
  },
  { capture: true },
);
