/**
 * `gradscript predict`: a model that `gradscript train --csv` wrote, applied to the rows of
 * another CSV file (src/train/predict.ts), and what it says about them.
 */
import { Command } from 'commander';
import { predictCsv, type PredictOptions } from '../train/predict';

export function predictCommand(): Command {
  return new Command('predict')
    .description(
      "apply a model trained on a CSV to new rows: each row written back with its prediction (and the class's probability)",
    )
    .requiredOption('--model <file>', 'the model.json that gradscript train --csv wrote')
    .requiredOption(
      '--csv <file>',
      'the rows to predict: a header and the columns the model was trained on (others are kept as they are)',
    )
    .option(
      '--out <file>',
      'write the rows with their predictions here (standard output by default)',
    )
    .option(
      '--delimiter <char>',
      "the CSV's delimiter: ',', ';' or 'tab' (found from the header by default)",
    )
    .action(async (flags: PredictOptions) => predict(flags));
}

async function predict(flags: PredictOptions): Promise<void> {
  // A reader that stops early (`| head`) wants no more rows, and no error for it.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
  const { rows, missing, unseen, added } = await predictCsv(flags);
  // With the rows on standard output, what is said about them goes to standard error.
  const say = flags.out === undefined ? console.error : console.log;
  if (flags.out !== undefined) say(`wrote ${flags.out}: ${rows} rows with ${added.join(' and ')}`);
  const lines = ({ count, lines }: { count: number; lines: number[] }) =>
    `line${count === 1 ? '' : 's'} ${lines.join(', ')}${count > lines.length ? ', …' : ''}`;
  const rowsHave = (count: number) => `${count} row${count === 1 ? ' has' : 's have'}`;
  if (missing.count > 0)
    say(`${rowsHave(missing.count)} a missing value and no prediction (${lines(missing)})`);
  if (unseen.count > 0) {
    const { column, value } = unseen.first!;
    say(
      `${rowsHave(unseen.count)} a category the model was not trained on (the first: '${value}' in column '${column}') and no prediction (${lines(unseen)})`,
    );
  }
}
