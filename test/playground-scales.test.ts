/** The arithmetic of the playground's pictures: axes' ticks, long curves thinned, colours, zoom. */
import {
  gradColour,
  linearTicks,
  logTicks,
  scrollAfterZoom,
  thin,
  tickLabel,
} from '../playground/src/scales';

test('linear ticks are round numbers, about as many as asked, covering the range', () => {
  expect(linearTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  expect(linearTicks(0, 0.7)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
  expect(linearTicks(0, 577)).toEqual([0, 200, 400, 600]);
  expect(linearTicks(0, 1234, 4)).toEqual([0, 500, 1000, 1500]);
  expect(linearTicks(0.3, 0.9)).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
  // An empty range still makes an axis.
  expect(linearTicks(0, 0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
});

test('log ticks are the powers of ten around the range, at least two', () => {
  expect(logTicks(0.0023, 0.9)).toEqual([0.001, 0.01, 0.1, 1]);
  expect(logTicks(0.01, 1)).toEqual([0.01, 0.1, 1]);
  expect(logTicks(0.5, 0.6)).toEqual([0.1, 1]);
  expect(logTicks(3, 3)).toEqual([1, 10]);
});

test('tick labels are short', () => {
  expect([0, 0.2, 1000, 0.001, 1e-5, 12.5].map(tickLabel)).toEqual([
    '0',
    '0.2',
    '1000',
    '0.001',
    '1e-5',
    '12.5',
  ]);
});

test('thinning keeps the first and the last and spreads the rest evenly', () => {
  const items = Array.from({ length: 1001 }, (_, i) => i);
  expect(thin(items, 5)).toEqual([0, 250, 500, 750, 1000]);
  expect(thin(items, 2000)).toBe(items);
});

test('a gradient’s colour goes from white, none, to orange, the largest', () => {
  expect(gradColour(0)).toBe('rgb(255, 255, 255)');
  expect(gradColour(1)).toBe('rgb(245, 140, 40)');
  expect(gradColour(0.5)).toBe('rgb(250, 198, 148)');
  expect(gradColour(2)).toBe(gradColour(1));
  expect(gradColour(NaN)).toBe(gradColour(0));
});

test('zooming keeps the point under the focus where it was', () => {
  // 100 px into the view, scrolled by 300: content at 400, which doubles to 800.
  expect(scrollAfterZoom(300, 100, 1, 2)).toBe(700);
  expect(scrollAfterZoom(700, 100, 2, 1)).toBe(300);
  // Never scrolled before the start.
  expect(scrollAfterZoom(0, 100, 2, 1)).toBe(0);
});
