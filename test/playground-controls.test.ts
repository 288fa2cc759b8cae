/** The settings panel's sliders and +/− buttons, without a page: what each writes into a field. */
import { defaultConfig, parseSettings, textOf } from '../playground/src/config';
import {
  LR_SCALE,
  NOISE_SCALE,
  addLayer,
  removeLayer,
  resizeLayer,
} from '../playground/src/controls';

const positions = (last: number) => Array.from({ length: last + 1 }, (_, p) => p);

describe('the learning rate slider', () => {
  test('runs from 0.0001 to 10 in steps of 1, 2 and 5 times a power of ten', () => {
    expect(positions(LR_SCALE.last).map((p) => String(LR_SCALE.valueAt(p)))).toEqual(
      ['0.0001', '0.0002', '0.0005', '0.001', '0.002', '0.005', '0.01', '0.02', '0.05'].concat([
        '0.1',
        '0.2',
        '0.5',
        '1',
        '2',
        '5',
        '10',
      ]),
    );
  });

  test('finds each of its values at the position that gives it, the default among them', () => {
    for (const p of positions(LR_SCALE.last))
      expect(LR_SCALE.positionOf(LR_SCALE.valueAt(p))).toBe(p);
    expect(LR_SCALE.valueAt(LR_SCALE.positionOf(defaultConfig.lr)!)).toBe(defaultConfig.lr);
  });

  test('puts a value between two at the nearer on the log scale, and one out of range at an end', () => {
    expect(LR_SCALE.valueAt(LR_SCALE.positionOf(0.13)!)).toBe(0.1);
    expect(LR_SCALE.valueAt(LR_SCALE.positionOf(0.15)!)).toBe(0.2);
    expect(LR_SCALE.valueAt(LR_SCALE.positionOf(0.03)!)).toBe(0.02);
    expect(LR_SCALE.valueAt(LR_SCALE.positionOf(0.04)!)).toBe(0.05);
    expect(LR_SCALE.positionOf(1e6)).toBe(LR_SCALE.last);
    expect(LR_SCALE.positionOf(1e-9)).toBe(0);
  });

  test('has no position for a learning rate the settings refuse', () => {
    for (const lr of [0, -0.1, NaN, Infinity]) expect(LR_SCALE.positionOf(lr)).toBeUndefined();
  });

  test('gives only values the settings take, written as they would be typed', () => {
    for (const p of positions(LR_SCALE.last)) {
      const lr = String(LR_SCALE.valueAt(p));
      expect(parseSettings({ ...textOf(defaultConfig), lr })).toEqual({
        config: { ...defaultConfig, lr: Number(lr) },
      });
    }
  });
});

describe('the noise slider', () => {
  test('runs from 0 to 1 in steps of 0.05, each printed short', () => {
    const values = positions(NOISE_SCALE.last).map((p) => String(NOISE_SCALE.valueAt(p)));
    expect(values).toHaveLength(21);
    expect(values.slice(0, 4)).toEqual(['0', '0.05', '0.1', '0.15']);
    expect(values[values.length - 1]).toBe('1');
    for (const v of values) expect(v).toMatch(/^(0|1|0\.\d\d?)$/);
  });

  test('finds a value at the nearest step, and the default exactly', () => {
    expect(NOISE_SCALE.valueAt(NOISE_SCALE.positionOf(defaultConfig.noise)!)).toBe(0.1);
    expect(NOISE_SCALE.valueAt(NOISE_SCALE.positionOf(0.33)!)).toBe(0.35);
    expect(NOISE_SCALE.valueAt(NOISE_SCALE.positionOf(0.32)!)).toBe(0.3);
    expect(NOISE_SCALE.positionOf(NaN)).toBeUndefined();
  });
});

describe('the hidden layers’ buttons', () => {
  test('+ layer copies the last layer’s width', () => {
    expect(addLayer('16,16')).toBe('16,16,16');
    expect(addLayer('8,4')).toBe('8,4,4');
    expect(addLayer(' 3 ')).toBe('3,3');
  });

  test('− layer drops the last, down to one hidden layer and no further', () => {
    expect(removeLayer('16,16,8')).toBe('16,16');
    expect(removeLayer('16,8')).toBe('16');
    expect(removeLayer('16')).toBeUndefined();
  });

  test('+ and − on a layer change its neurons, down to one and no further', () => {
    expect(resizeLayer('16,16', 0, 1)).toBe('17,16');
    expect(resizeLayer('16,16', 1, -1)).toBe('16,15');
    expect(resizeLayer('16,2', 1, -1)).toBe('16,1');
    expect(resizeLayer('16,1', 1, -1)).toBeUndefined();
    expect(resizeLayer('1', 0, 1)).toBe('2');
  });

  test('are no use for a layer that is not there', () => {
    expect(resizeLayer('16,16', 2, 1)).toBeUndefined();
    expect(resizeLayer('16,16', -1, 1)).toBeUndefined();
  });

  test.each(['', 'abc', '16,,16', '16,0,16', '2.5', '16,-1', '0x10'])(
    'make no edit to text that holds no layer sizes: "%s"',
    (text) => {
      expect(addLayer(text)).toBeUndefined();
      expect(removeLayer(text)).toBeUndefined();
      expect(resizeLayer(text, 0, 1)).toBeUndefined();
      expect(resizeLayer(text, 0, -1)).toBeUndefined();
    },
  );

  test('leave the parameter limit to the settings: a + past it still edits the text', () => {
    const edited = resizeLayer('42,42', 1, 1)!;
    expect(edited).toBe('42,43');
    const parsed = parseSettings({ ...textOf(defaultConfig), hidden: edited });
    expect('problems' in parsed && parsed.problems[0].message).toBe(
      'hidden must be layer sizes that make at most 2,000 parameters; got "42,43", which make 2,019',
    );
  });
});
