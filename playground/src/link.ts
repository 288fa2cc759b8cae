/**
 * Every setting in the page's address, after the #, so that a link hands the same data, network,
 * seed (and so the same initial weights) to whoever opens it: written as the settings change,
 * read as the page loads.
 */
import { FIELD_NAMES, type Config, type SettingsText } from './config';
import { SPEEDS, speedText } from './controls';
import type { Engine } from './session';

/** What a link holds besides the fields: how the steps are taken and how fast, and the plot's toggles. */
export interface LinkExtras {
  engine: Engine;
  speed: number;
  /** The test points drawn on the plot. */
  showTest: boolean;
  /** The plot coloured by the likeliest class alone, not shaded by how sure the model is. */
  discretize: boolean;
  /** The view shown: the network (the page as it opens, left out of the link) or names. */
  view?: View;
}

export type View = 'network' | 'names';
const VIEWS: readonly View[] = ['network', 'names'];

const TOGGLES = ['showTest', 'discretize'] as const;

const ENGINES: readonly Engine[] = ['tape', 'eager'];

/** The address's hash for these settings: each field's text as typed, the engine and speed. */
export function linkOf(text: SettingsText, extras: LinkExtras): string {
  const query = new URLSearchParams(text as unknown as Record<string, string>);
  query.set('engine', extras.engine);
  query.set('speed', speedText(extras.speed));
  for (const toggle of TOGGLES) query.set(toggle, extras[toggle] ? '1' : '0');
  if (extras.view === 'names') query.set('view', 'names');
  return `#${query.toString()}`;
}

export interface ReadLink {
  /** The fields the link sets, as text: each field's own check judges it. */
  text: Partial<SettingsText>;
  extras: Partial<LinkExtras>;
  /** What the link holds that names no setting, or no choice of the engine or speed. */
  problems: string[];
}

/** What an address's hash sets; an empty hash sets nothing. */
export function readLink(hash: string): ReadLink {
  const read: ReadLink = { text: {}, extras: {}, problems: [] };
  const fields = Object.keys(FIELD_NAMES);
  for (const [key, value] of new URLSearchParams(hash.replace(/^#/, ''))) {
    if (fields.includes(key)) {
      read.text[key as keyof Config] = value;
    } else if (key === 'engine') {
      if ((ENGINES as string[]).includes(value)) read.extras.engine = value as Engine;
      else read.problems.push(`the link's engine must be ${ENGINES.join(' or ')}; got "${value}"`);
    } else if (key === 'speed') {
      const speed = SPEEDS.find((s) => speedText(s) === value);
      if (speed !== undefined) read.extras.speed = speed;
      else
        read.problems.push(
          `the link's speed must be one of ${SPEEDS.map(speedText).join(', ')}; got "${value}"`,
        );
    } else if (key === 'view') {
      if ((VIEWS as string[]).includes(value)) read.extras.view = value as View;
      else read.problems.push(`the link's view must be ${VIEWS.join(' or ')}; got "${value}"`);
    } else if ((TOGGLES as readonly string[]).includes(key)) {
      if (value === '1' || value === '0')
        read.extras[key as (typeof TOGGLES)[number]] = value === '1';
      else read.problems.push(`the link's ${key} must be 1 or 0; got "${value}"`);
    } else {
      read.problems.push(
        `the link sets "${key}", which is no setting of the playground's: ` +
          `they are ${[...fields, 'engine', 'speed', ...TOGGLES, 'view'].join(', ')}`,
      );
    }
  }
  return read;
}
