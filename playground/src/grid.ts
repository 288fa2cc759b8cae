/**
 * How finely the pictures sample the plane: apart from the session, so that the page reads them
 * without loading the library the session trains with.
 */
/** Cells along each side of the decision surface. */
export const GRID = 80;
/**
 * Cells along each side of a hidden neuron's map: every other cell of the grid. The network
 * picture draws each map a few dozen pixels wide, and a network of hundreds of neurons sends
 * a quarter of the numbers.
 */
export const NEURON_GRID = GRID / 2;
