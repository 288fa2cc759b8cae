/**
 * The tools beside some fields: a slider beside the learning rate and the noise, +/− buttons for
 * the hidden layers and their neurons, a button for each input. Each edits its field's text and
 * applies it as a change to the field does, so that the field's own check judges it.
 */
import { FEATURES, FEATURE_LABELS, layerSizes } from './config';
import { addLayer, removeLayer, resizeLayer, type Scale } from './controls';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/**
 * A slider beside a field, each following the other: the slider writes its value into the field
 * and applies it as a change to the field does; a value typed that the field takes moves the
 * slider, one it refuses leaves the slider where it was (and the field as typed).
 */
export function pairSlider(
  field: 'lr' | 'noise',
  scale: Scale,
  takes: (field: 'lr' | 'noise', text: string) => boolean,
  apply: () => void,
): void {
  const input = $<HTMLInputElement>(field);
  const slider = $<HTMLInputElement>(`${field}-slider`);
  slider.min = '0';
  slider.max = String(scale.last);
  slider.step = '1';
  const follow = () => {
    const position = takes(field, input.value) ? scale.positionOf(Number(input.value)) : undefined;
    if (position !== undefined) slider.value = String(position);
    slider.setAttribute('aria-valuetext', String(scale.valueAt(Number(slider.value))));
  };
  slider.addEventListener('input', () => {
    input.value = String(scale.valueAt(Number(slider.value)));
    slider.setAttribute('aria-valuetext', input.value);
  });
  slider.addEventListener('change', apply);
  input.addEventListener('input', follow);
  follow();
}

/**
 * The +/− buttons of the hidden field: a layer more or fewer, and a neuron more or fewer in each
 * layer. Each edits the field's text and applies it as a change to the field does, so that a
 * network over the parameter limit is refused with the field's message.
 */
function refreshHiddenTools(): void {
  const text = $<HTMLInputElement>('hidden').value;
  const valid = layerSizes(text) !== undefined;
  const fixFirst = 'disabled: the hidden field holds no layer sizes; fix it first';
  /** The button offers the edit, or says why it cannot. */
  const offer = (
    button: HTMLButtonElement,
    edited: string | undefined,
    does: string,
    not: string,
  ) => {
    button.disabled = edited === undefined;
    button.dataset.edited = edited ?? '';
    button.title = edited !== undefined ? does : valid ? `disabled: ${not}` : fixFirst;
  };
  offer($('add-layer'), addLayer(text), 'one more hidden layer, as wide as the last', '');
  offer(
    $('remove-layer'),
    removeLayer(text),
    'drop the last hidden layer',
    'the network keeps one hidden layer at least',
  );
  // Rebuilt each time: the focus stays on the button pressed.
  const focused = document.activeElement?.id;
  const groups = (layerSizes(text) ?? []).map((_, k) => {
    const group = document.createElement('span');
    group.className = 'neurons';
    const label = document.createElement('small');
    label.textContent = `${k + 1}`;
    label.title = `hidden layer ${k + 1}`;
    group.append(label);
    for (const [by, sign, name] of [
      [-1, '−', 'one neuron fewer'],
      [1, '+', 'one neuron more'],
    ] as const) {
      const button = document.createElement('button');
      button.id = `layer-${k + 1}-${by < 0 ? 'minus' : 'plus'}`;
      button.textContent = sign;
      button.setAttribute('aria-label', `${name} in hidden layer ${k + 1}`);
      offer(
        button,
        resizeLayer(text, k, by),
        `${name} in hidden layer ${k + 1}`,
        `hidden layer ${k + 1} has one neuron, the fewest a layer can have`,
      );
      group.append(button);
    }
    return group;
  });
  const caption = document.createElement('small');
  caption.textContent = 'neurons';
  $('neuron-buttons').replaceChildren(...(groups.length > 0 ? [caption] : []), ...groups);
  if (focused?.startsWith('layer-')) document.getElementById(focused)?.focus();
}

/**
 * A button for each input the network may have, pressed while it has it: a press adds the
 * input to the inputs field or takes it out, and applies the field as a change to it does.
 */
function refreshFeatureTools(): void {
  const named = $<HTMLInputElement>('features')
    .value.split(',')
    .map((name) => name.trim());
  $('features-tools').replaceChildren(
    ...FEATURES.map((feature) => {
      const button = document.createElement('button');
      button.id = `feature-${feature}`;
      button.textContent = FEATURE_LABELS[feature];
      button.setAttribute('aria-pressed', String(named.includes(feature)));
      button.dataset.feature = feature;
      return button;
    }),
  );
}

/** The hidden field's buttons, each applying its edit as a change to the field does. */
export function setUpHiddenTools(apply: () => void): void {
  $('hidden-tools').addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest('button');
    if (!button || button.disabled || !button.dataset.edited) return;
    $<HTMLInputElement>('hidden').value = button.dataset.edited;
    refreshHiddenTools();
    apply();
  });
  $('hidden').addEventListener('input', refreshHiddenTools);
  refreshHiddenTools();
}

/** The inputs field's buttons, each applying its edit as a change to the field does. */
export function setUpFeatureTools(apply: () => void): void {
  $('features-tools').addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest('button');
    if (!button?.dataset.feature) return;
    const field = $<HTMLInputElement>('features');
    const named = field.value
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    const feature = button.dataset.feature;
    field.value = (
      named.includes(feature) ? named.filter((name) => name !== feature) : [...named, feature]
    ).join(',');
    refreshFeatureTools();
    $(button.id).focus();
    apply();
  });
  $('features').addEventListener('input', refreshFeatureTools);
  refreshFeatureTools();
}
