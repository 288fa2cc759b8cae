/** What Vite's imports give that TypeScript cannot read itself: a file's text (`?raw`)… */
declare module '*?raw' {
  const text: string;
  export default text;
}

/** …and a style sheet, added to the page when the module importing it loads. */
declare module '*.css';
