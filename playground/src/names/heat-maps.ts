/**
 * Where each attention head looks: for each head a small square of cells, a row for each token
 * the model reads (BOS, then the name's letters) and a column for each token it can look back
 * at, darker the more weight. Above the diagonal is empty: a token cannot look ahead.
 */

const SVG = 'http://www.w3.org/2000/svg';
/** A cell's side, and the room the labels take on the left and at the top. */
const CELL = 20;
const MARGIN = 24;
/** BOS, as the labels show it: one character, like the letters. */
const BOS_LABEL = '·';

function element(name: string, attributes: Record<string, string | number>, text?: string) {
  const made = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) made.setAttribute(key, String(value));
  if (text !== undefined) made.textContent = text;
  return made;
}

/** A weight from 0 to 1 as a colour, white to dark blue. */
export function weightColour(weight: number): string {
  const t = Math.min(1, Math.max(0, weight));
  const [r, g, b] = [255 - 247 * t, 255 - 207 * t, 255 - 148 * t].map(Math.round);
  return `rgb(${r}, ${g}, ${b})`;
}

/**
 * One heat map a head: `heads[h][row][column]` is the weight the token of `row` gives the
 * token of `column` in head h. `tokens[0]` is BOS.
 */
export function drawHeads(
  box: HTMLElement,
  tokens: readonly string[],
  heads: readonly number[][][],
) {
  const labels = tokens.map((token, i) => (i === 0 ? BOS_LABEL : token));
  const side = MARGIN + labels.length * CELL;
  box.replaceChildren(
    ...heads.map((rows, h) => {
      const figure = document.createElement('figure');
      const svg = element('svg', {
        viewBox: `0 0 ${side} ${side}`,
        width: side,
        height: side,
        role: 'img',
        'aria-label': `head ${h + 1}: ${rows
          .map((row, r) => {
            const most = row.indexOf(Math.max(...row));
            return `${labels[r]} looks most at ${labels[most]}`;
          })
          .join(', ')}`,
      });
      labels.forEach((label, i) => {
        const at = MARGIN + i * CELL + CELL / 2;
        svg.append(
          element('text', { x: at, y: MARGIN - 6, 'text-anchor': 'middle' }, label),
          element(
            'text',
            { x: MARGIN - 6, y: at, 'text-anchor': 'end', 'dominant-baseline': 'central' },
            label,
          ),
        );
      });
      rows.forEach((row, r) =>
        row.forEach((weight, c) => {
          const cell = element('rect', {
            x: MARGIN + c * CELL,
            y: MARGIN + r * CELL,
            width: CELL,
            height: CELL,
            fill: weightColour(weight),
          });
          cell.append(element('title', {}, `${labels[r]} → ${labels[c]}: ${weight.toFixed(3)}`));
          svg.append(cell);
        }),
      );
      const caption = document.createElement('figcaption');
      caption.textContent = `head ${h + 1}`;
      figure.append(svg, caption);
      return figure;
    }),
  );
}
