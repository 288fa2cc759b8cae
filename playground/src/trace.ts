/**
 * The trace's picture in its column: fitted to the column's width at first, zoomed by the
 * buttons or ctrl + wheel about the pointer, panned by dragging, each box filled by the size of
 * its gradient.
 */
import { gradColour, scrollAfterZoom } from './scales';

/** Zoom limits, in CSS pixels per Graphviz point. */
const SCALES = { least: 0.05, most: 4 };
/** How far a press moves before it is a drag rather than a click (on a neuron, say). */
const DRAG_PX = 4;

export class TraceView {
  private svg?: SVGSVGElement;
  /** The drawing's size in Graphviz points, from its viewBox. */
  private size = { width: 1, height: 1 };
  /** CSS pixels per point, or as wide as the column, whatever its width. */
  private zoom: number | 'fit' = 'fit';
  private press?: { x: number; y: number; left: number; top: number; moved: boolean };

  constructor(private readonly view: HTMLElement) {
    new ResizeObserver(() => this.zoom === 'fit' && this.apply()).observe(view);
    view.addEventListener(
      'wheel',
      (event) => {
        if (!this.svg || !(event.ctrlKey || event.metaKey)) return;
        event.preventDefault();
        this.zoomBy(Math.exp(-event.deltaY / 300), event);
      },
      { passive: false },
    );
    view.addEventListener('pointerdown', (event) => {
      if (event.button !== 0 || !this.svg) return;
      const { scrollLeft: left, scrollTop: top } = view;
      this.press = { x: event.clientX, y: event.clientY, left, top, moved: false };
    });
    view.addEventListener('pointermove', (event) => {
      const press = this.press;
      if (!press) return;
      const [dx, dy] = [event.clientX - press.x, event.clientY - press.y];
      if (!press.moved && Math.hypot(dx, dy) < DRAG_PX) return;
      if (!press.moved) view.setPointerCapture(event.pointerId);
      press.moved = true;
      view.classList.add('dragging');
      view.scrollLeft = press.left - dx;
      view.scrollTop = press.top - dy;
    });
    const swallow = (event: Event) => event.stopPropagation();
    const release = () => {
      view.classList.remove('dragging');
      // A drag that ends on a neuron does not open it: the click that follows it at once is
      // swallowed, and no later one.
      if (this.press?.moved) {
        view.addEventListener('click', swallow, { capture: true });
        setTimeout(() => view.removeEventListener('click', swallow, { capture: true }));
      }
      this.press = undefined;
    };
    view.addEventListener('pointerup', release);
    view.addEventListener('pointercancel', release);
  }

  /** How many CSS pixels a point of the drawing takes now. */
  get scale(): number {
    return this.zoom === 'fit' ? this.fitted() : this.zoom;
  }

  /**
   * Shows a new drawing. A new point's opens fitted to the column's width and scrolled to its
   * root (the loss, at the end); a redrawn one (a neuron opened, a refresh) keeps the view.
   */
  show(svg: SVGSVGElement, keepView: boolean): void {
    const { scrollLeft, scrollTop } = this.view;
    const [, , width, height] = svg.getAttribute('viewBox')!.split(/\s+/).map(Number);
    this.svg = svg;
    this.size = { width, height };
    shadeByGradient(svg);
    this.view.replaceChildren(svg);
    if (!keepView) this.zoom = 'fit';
    this.apply();
    if (keepView) [this.view.scrollLeft, this.view.scrollTop] = [scrollLeft, scrollTop];
    else this.reveal(rootOf(svg));
  }

  clear(): void {
    this.svg = undefined;
    this.view.replaceChildren();
  }

  fit(): void {
    this.zoom = 'fit';
    this.apply();
  }

  /** Zooms by `factor` about a point of the view (its centre by default). */
  zoomBy(factor: number, about?: { clientX: number; clientY: number }): void {
    const before = this.scale;
    const after = Math.min(SCALES.most, Math.max(SCALES.least, before * factor));
    const box = this.view.getBoundingClientRect();
    const focusX = about ? about.clientX - box.left : this.view.clientWidth / 2;
    const focusY = about ? about.clientY - box.top : this.view.clientHeight / 2;
    const { scrollLeft, scrollTop } = this.view;
    this.zoom = after;
    this.apply();
    this.view.scrollLeft = scrollAfterZoom(scrollLeft, focusX, before, after);
    this.view.scrollTop = scrollAfterZoom(scrollTop, focusY, before, after);
  }

  /** The scale that makes the drawing as wide as the view, and never larger than life. */
  private fitted(): number {
    const natural = 4 / 3; // a point is 4/3 of a CSS pixel
    return Math.min(natural, this.view.clientWidth / this.size.width);
  }

  private apply(): void {
    if (!this.svg) return;
    const scale = this.scale;
    this.svg.style.width = `${this.size.width * scale}px`;
    this.svg.style.height = `${this.size.height * scale}px`;
  }

  /** Scrolls a node to the middle of the view. */
  private reveal(node: Element | undefined): void {
    if (!node) return;
    const view = this.view.getBoundingClientRect();
    const box = node.getBoundingClientRect();
    this.view.scrollLeft += box.left + box.width / 2 - (view.left + view.width / 2);
    this.view.scrollTop += box.top + box.height / 2 - (view.top + view.height / 2);
  }
}

/**
 * The graph's root, whose gradient is 1: drawDot numbers its boxes children first, so it is the
 * last box (a node whose id is not an operation's `_op`).
 */
function rootOf(svg: SVGSVGElement): Element | undefined {
  const boxes = [...svg.querySelectorAll('g.node')].filter(
    (node) => !node.querySelector('title')?.textContent?.endsWith('_op'),
  );
  return boxes[boxes.length - 1];
}

/** Fills each box by the size of the gradient it shows, as a share of the largest drawn. */
function shadeByGradient(svg: SVGSVGElement): void {
  const boxes = [...svg.querySelectorAll('g.node')].flatMap((node) => {
    const grad = [...node.querySelectorAll('text')].find((t) => t.textContent?.startsWith('grad '));
    const outline = node.querySelector('polygon');
    return grad && outline ? [{ outline, size: Math.abs(Number(grad.textContent!.slice(5))) }] : [];
  });
  const largest = Math.max(0, ...boxes.map((b) => b.size));
  for (const { outline, size } of boxes)
    outline.setAttribute('fill', gradColour(largest > 0 ? size / largest : 0));
}
