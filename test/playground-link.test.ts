/** The playground's address as a link to its settings, and its smoothed steps per second. */
import { defaultConfig, textOf } from '../playground/src/config';
import { linkOf, readLink } from '../playground/src/link';
import { RATE_WINDOW_MS, StepRate, rateText } from '../playground/src/rate';

describe('the link', () => {
  test('holds every field as typed, the engine and the speed, and reads back as it was', () => {
    const text = { ...textOf(defaultConfig), hidden: '8,4', lr: '0.03', seed: '7' };
    const extras = { engine: 'eager', speed: 5, showTest: false, discretize: true } as const;
    const link = linkOf(text, extras);
    expect(link).toBe(
      '#dataset=moons&samples=100&noise=0.1&testShare=0.2&features=x1%2Cx2&hidden=8%2C4&activation=relu' +
        '&loss=hinge&optimizer=sgd&lr=0.03&l2=0&l1=0&batchSize=0&seed=7&engine=eager&speed=5' +
        '&showTest=0&discretize=1',
    );
    expect(readLink(link)).toEqual({ text, extras, problems: [] });
    const others = { engine: 'tape', speed: Infinity, showTest: true, discretize: false } as const;
    expect(readLink(linkOf(text, others)).extras).toEqual(others);
  });

  test('holds the names view when it is shown, and leaves the network view (the page as it opens) out', () => {
    const text = textOf(defaultConfig);
    const extras = { engine: 'tape', speed: 5, showTest: true, discretize: false } as const;
    expect(linkOf(text, { ...extras, view: 'names' })).toMatch(/&view=names$/);
    expect(readLink(linkOf(text, { ...extras, view: 'names' })).extras.view).toBe('names');
    expect(linkOf(text, { ...extras, view: 'network' })).toBe(linkOf(text, extras));
    expect(readLink('#view=graph').problems).toEqual([
      'the link\'s view must be network or names; got "graph"',
    ]);
  });

  test('sets only what it names: an empty one nothing', () => {
    expect(readLink('')).toEqual({ text: {}, extras: {}, problems: [] });
    expect(readLink('#seed=3')).toEqual({ text: { seed: '3' }, extras: {}, problems: [] });
  });

  test('a field’s bad text is passed on as typed, for the field to refuse', () => {
    expect(readLink('#samples=lots').text).toEqual({ samples: 'lots' });
  });

  test('names what it holds that is no setting, and an engine or speed not offered', () => {
    expect(readLink('#colour=red&engine=gpu&speed=3&seed=2&discretize=yes')).toEqual({
      text: { seed: '2' },
      extras: {},
      problems: [
        'the link sets "colour", which is no setting of the playground\'s: they are ' +
          'dataset, samples, noise, testShare, features, hidden, activation, loss, optimizer, lr, l2, l1, ' +
          'batchSize, seed, engine, speed, showTest, discretize, view',
        'the link\'s engine must be tape or eager; got "gpu"',
        'the link\'s speed must be one of 1, 5, 20, 100, 500, max; got "3"',
        'the link\'s discretize must be 1 or 0; got "yes"',
      ],
    });
  });
});

describe('the steps per second', () => {
  test('count over the last two seconds, not the last reply: a slow reply does not jump it', () => {
    const rate = new StepRate();
    expect(rate.perSecond).toBe(0);
    rate.note(0, 0);
    // 100 steps every 50 ms, then one reply late by 200 ms.
    for (let t = 50; t <= 1000; t += 50) rate.note(2 * t, t);
    expect(rate.perSecond).toBe(2000);
    rate.note(2400, 1200);
    expect(rate.perSecond).toBe(2000);
    rate.note(2700, 1250);
    expect(rate.perSecond).toBeCloseTo(2160, 0);
  });

  test('forget what is older than the window', () => {
    const rate = new StepRate();
    for (let t = 0; t <= 3000; t += 100) rate.note(t < 1500 ? t * 10 : 15000 + (t - 1500), t);
    // Over the last two seconds: 500 ms at 10 steps a ms, then 1500 at 1.
    expect(RATE_WINDOW_MS).toBe(2000);
    expect(rate.perSecond).toBe(((5000 + 1500) * 1000) / 2000);
    rate.clear();
    expect(rate.perSecond).toBe(0);
  });

  test('show two significant figures, and read back as a number', () => {
    expect(rateText(0)).toBe('0');
    expect(rateText(3827.4)).toBe('3800');
    expect(rateText(1079)).toBe('1100');
    expect(rateText(4.96)).toBe('5');
    expect(rateText(0.98)).toBe('0.98');
  });
});
