/** Your own points from CSV text, as the playground reads them: classes, a target, and refusals. */
import { pointsFromCsv } from '../playground/src/own-csv';

test('whole-number labels are classes; the columns are named in the description', () => {
  const rows = ['a,b,label', '0,0,0', '1,1,1', '0,1,0', '1,0,1'];
  const { data, description } = pointsFromCsv(rows.join('\n'));
  expect(data).toEqual({
    x: [
      [0, 0],
      [1, 1],
      [0, 1],
      [1, 0],
    ],
    y: [0, 1, 0, 1],
    classes: 2,
  });
  expect(description).toBe('4 points: x1 is a, x2 is b, the label label: 0, 1');
});

test('a target of fractions is a number to predict: no classes', () => {
  const rows = ['x,y,height', '0,0,0.5', '1,1,-0.25', '0,1,1.5', '1,0,2'];
  const { data, description } = pointsFromCsv(rows.join('\n'));
  expect(data.classes).toBeUndefined();
  expect(data.y).toEqual([0.5, -0.25, 1.5, 2]);
  expect(description).toBe('4 points: x1 is x, x2 is y, the target height, a number to predict');
});

test('a row with a missing cell is left out and named by its line', () => {
  const rows = ['x,y,label', '0,0,0', '1,,1', '0,1,0', '1,0,1', '2,2,1'];
  expect(pointsFromCsv(rows.join('\n')).description).toBe(
    '4 points: x1 is x, x2 is y, the label label: 0, 1; 1 row with a missing cell left out (line 3)',
  );
});

test.each([
  [
    'x,y\n1,2\n',
    "expected two columns of numbers, the point's x1 and x2, then its label or target; got x",
  ],
  ['x,y,z,label\n1,2,3,0\n', 'got x, y, z'],
  ['x,colour,label\n1,red,0\n2,blue,1\n3,red,0\n4,blue,1\n', 'got x, colour (text)'],
  ['x,y,label\n1,2,0\n3,4,1\n', 'expected from 4 to 1000 rows of points, got 2'],
  [
    'x,y,label\n0,0,0\n1,1,1\n2,2,2\n3,3,3\n',
    "the label 'label' has 4 classes: the playground draws at most 3",
  ],
  ['x,y,label\n1,2,0\n3,x,1\n', "line 3, column 'y': 'x' is not a number"],
])('refused: %j', (text, message) => {
  expect(() => pointsFromCsv(text)).toThrow(message);
});
