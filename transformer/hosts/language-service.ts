/**
 * The tsserver plugin: `{ "plugins": [{ "name": "gradscript/language-service" }] }`.
 *
 * Editors run plain TypeScript, which underlines `a * b` on Values and types `const d = a * b`
 * as a number. This plugin keeps a second language service that sees every file as the
 * transformer rewrites it, asks it instead, and maps each position both ways, so diagnostics,
 * hover, go-to-definition, completions, signature help, rename and references all land on the
 * text the user wrote.
 */
import type * as ts from 'typescript';
import { ProgramRewriter, type RewrittenProgram } from '../core/program';

interface PluginConfig {
  runtime?: string;
}

function init(modules: { typescript: typeof ts }): ts.server.PluginModule {
  const tsi = modules.typescript;
  return {
    create(info) {
      return rewritingLanguageService(
        tsi,
        info.languageService,
        info.languageServiceHost,
        info.config,
      );
    },
  };
}

export = init;

/** What the editor's position `position` in `fileName` is in the rewritten text, and back. */
interface Positions {
  toGenerated(fileName: string, position: number): number;
  span(fileName: string, span: ts.TextSpan): ts.TextSpan;
}

function rewritingLanguageService(
  tsi: typeof ts,
  original: ts.LanguageService,
  host: ts.LanguageServiceHost,
  config: PluginConfig = {},
): ts.LanguageService {
  const rewriter = new ProgramRewriter(tsi, {
    runtimeModule: config.runtime,
    rewriteUnfinishedFiles: true,
    carryRewritesAcrossEdits: true,
  });
  let seenProgram: ts.Program | undefined;
  let rewritten: RewrittenProgram | undefined;
  const texts = new Map<string, { text: string; version: number }>();

  // A host of its own, not the editor's project: the project's hooks would sync the project's service, not this one.
  const bind = <K extends keyof ts.LanguageServiceHost>(key: K) =>
    (typeof host[key] === 'function'
      ? (host[key] as (...args: never[]) => unknown).bind(host)
      : undefined) as ts.LanguageServiceHost[K];
  const rewrittenHost: ts.LanguageServiceHost = {
    getCompilationSettings: () => host.getCompilationSettings(),
    getScriptFileNames: () => host.getScriptFileNames(),
    getCurrentDirectory: () => host.getCurrentDirectory(),
    getDefaultLibFileName: (options) => host.getDefaultLibFileName(options),
    getProjectReferences: bind('getProjectReferences'),
    fileExists: (path) => host.fileExists(path),
    readFile: (path, encoding) => host.readFile(path, encoding),
    readDirectory: bind('readDirectory'),
    directoryExists: bind('directoryExists'),
    getDirectories: bind('getDirectories'),
    realpath: bind('realpath'),
    useCaseSensitiveFileNames: bind('useCaseSensitiveFileNames'),
    getScriptSnapshot(fileName) {
      const text = texts.get(fileName)?.text;
      return text === undefined
        ? host.getScriptSnapshot(fileName)
        : snapshotTellingChanges(tsi, text);
    },
    getScriptVersion(fileName) {
      const entry = texts.get(fileName);
      return entry ? `gradscript:${entry.version}` : host.getScriptVersion(fileName);
    },
  };
  const service = tsi.createLanguageService(rewrittenHost, tsi.createDocumentRegistry());

  /** Brings the rewriting up to date with the editor's program; cheap when nothing changed. */
  function sync(): RewrittenProgram | undefined {
    const program = original.getProgram();
    if (!program) return undefined;
    if (program !== seenProgram) {
      seenProgram = program;
      // Each round's program is the second service's own, kept up to date incrementally: the
      // last round's is the one every question is then asked of, checked only once.
      rewritten = rewriter.rewrite(program, undefined, (rewrittenTexts) => {
        for (const fileName of texts.keys())
          if (!rewrittenTexts.has(fileName)) texts.delete(fileName);
        for (const [fileName, text] of rewrittenTexts) {
          const known = texts.get(fileName);
          if (known?.text !== text)
            texts.set(fileName, { text, version: (known?.version ?? 0) + 1 });
        }
        return service.getProgram()!;
      });
      for (const fileName of texts.keys())
        if (rewriter.rewrittenText(fileName) === undefined) texts.delete(fileName);
    }
    return rewritten;
  }

  const positions: Positions = {
    toGenerated: (fileName, position) => rewriter.toGenerated(fileName, position),
    span: (fileName, span) => rewriter.spanToOriginal(fileName, span),
  };

  /** Runs a query on the rewritten service when `fileName` was rewritten, on the original otherwise. */
  const ask = <T>(
    fileName: string,
    query: (service: ts.LanguageService, position: (p: number) => number) => T,
  ): T => {
    sync();
    if (!texts.has(fileName)) return query(original, (p) => p);
    return query(service, (p) => positions.toGenerated(fileName, p));
  };

  const proxy: ts.LanguageService = Object.create(original);

  proxy.getSemanticDiagnostics = (fileName) => {
    let program = sync();
    if (!program) return original.getSemanticDiagnostics(fileName);
    let sourceFile = program.getSourceFile(fileName);
    if (!sourceFile) return original.getSemanticDiagnostics(fileName);
    // A rewriting carried across the last edit holds while no diagnostic falls on the text it
    // made up; one there (`mul` on what is now a number) means the file is rewritten afresh.
    // The check reads the diagnostics the answer is made of, so it costs nothing more.
    const raw = Object.getPrototypeOf(program) as ts.Program;
    if (
      raw
        .getSemanticDiagnostics(raw.getSourceFile(fileName))
        .some((d) => d.start !== undefined && rewriter.madeUpInCarried(fileName, d.start))
    ) {
      rewriter.forget(fileName);
      seenProgram = undefined;
      program = sync()!;
      sourceFile = program.getSourceFile(fileName)!;
    }
    return [...program.getSemanticDiagnostics(sourceFile)];
  };
  proxy.getSuggestionDiagnostics = (fileName) =>
    ask(fileName, (s) => s.getSuggestionDiagnostics(fileName)).map((d) =>
      mapDiagnostic(fileName, d),
    );

  proxy.getQuickInfoAtPosition = (fileName, position, ...rest) =>
    ask(fileName, (s, at) => {
      const info = s.getQuickInfoAtPosition(fileName, at(position), ...rest);
      return info && { ...info, textSpan: positions.span(fileName, info.textSpan) };
    });

  proxy.getCompletionsAtPosition = (fileName, position, options, formatting) =>
    ask(fileName, (s, at) => {
      const completions = s.getCompletionsAtPosition(fileName, at(position), options, formatting);
      if (!completions || !texts.has(fileName)) return completions;
      return {
        ...completions,
        optionalReplacementSpan:
          completions.optionalReplacementSpan &&
          positions.span(fileName, completions.optionalReplacementSpan),
        entries: completions.entries.map((e) =>
          e.replacementSpan
            ? { ...e, replacementSpan: positions.span(fileName, e.replacementSpan) }
            : e,
        ),
      };
    });

  proxy.getCompletionEntryDetails = (fileName, position, ...rest) =>
    ask(fileName, (s, at) => s.getCompletionEntryDetails(fileName, at(position), ...rest));

  proxy.getSignatureHelpItems = (fileName, position, options) =>
    ask(fileName, (s, at) => {
      const help = s.getSignatureHelpItems(fileName, at(position), options);
      return help && { ...help, applicableSpan: positions.span(fileName, help.applicableSpan) };
    });

  proxy.getDefinitionAtPosition = (fileName, position, ...rest) =>
    ask(fileName, (s, at) =>
      s.getDefinitionAtPosition(fileName, at(position), ...rest)?.map(mapLocation),
    );

  proxy.getDefinitionAndBoundSpan = (fileName, position) =>
    ask(fileName, (s, at) => {
      const result = s.getDefinitionAndBoundSpan(fileName, at(position));
      return (
        result && {
          definitions: result.definitions?.map(mapLocation),
          textSpan: positions.span(fileName, result.textSpan),
        }
      );
    });

  proxy.getTypeDefinitionAtPosition = (fileName, position) =>
    ask(fileName, (s, at) =>
      s.getTypeDefinitionAtPosition(fileName, at(position))?.map(mapLocation),
    );

  proxy.getRenameInfo = (fileName, position, options) =>
    ask(fileName, (s, at) => {
      const info = s.getRenameInfo(fileName, at(position), options);
      return info.canRename
        ? { ...info, triggerSpan: positions.span(fileName, info.triggerSpan) }
        : info;
    });

  proxy.findRenameLocations = ((
    fileName: string,
    position: number,
    ...rest: [boolean, boolean, never]
  ) =>
    ask(fileName, (s, at) =>
      unique(s.findRenameLocations(fileName, at(position), ...rest)?.map(mapLocation)),
    )) as ts.LanguageService['findRenameLocations'];

  proxy.getReferencesAtPosition = (fileName, position) =>
    ask(fileName, (s, at) =>
      unique(s.getReferencesAtPosition(fileName, at(position))?.map(mapLocation)),
    );

  proxy.findReferences = (fileName, position) =>
    ask(fileName, (s, at) =>
      s.findReferences(fileName, at(position))?.map((symbol) => ({
        definition: mapLocation(symbol.definition),
        references: unique(symbol.references.map(mapLocation))!,
      })),
    );

  proxy.getDocumentHighlights = (fileName, position, filesToSearch) =>
    ask(fileName, (s, at) =>
      s.getDocumentHighlights(fileName, at(position), filesToSearch)?.map((h) => ({
        ...h,
        highlightSpans: unique(
          h.highlightSpans.map((span) => ({
            ...span,
            textSpan: positions.span(h.fileName, span.textSpan),
          })),
        )!,
      })),
    );

  function mapLocation<
    T extends { fileName: string; textSpan: ts.TextSpan; contextSpan?: ts.TextSpan },
  >(location: T): T {
    return {
      ...location,
      textSpan: positions.span(location.fileName, location.textSpan),
      contextSpan: location.contextSpan && positions.span(location.fileName, location.contextSpan),
    };
  }

  function mapDiagnostic<T extends ts.Diagnostic>(fileName: string, diagnostic: T): T {
    if (diagnostic.start === undefined) return diagnostic;
    const span = positions.span(fileName, {
      start: diagnostic.start,
      length: diagnostic.length ?? 0,
    });
    return { ...diagnostic, start: span.start, length: span.length };
  }

  return proxy;
}

/** The rewriting writes some names twice (`x += y` is `x = x.add(y)`): one location each. */
function unique<T extends { textSpan: ts.TextSpan }>(
  items: readonly T[] | undefined,
): T[] | undefined {
  if (!items) return undefined;
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = `${(item as { fileName?: string }).fileName}:${item.textSpan.start}:${item.textSpan.length}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A rewritten text that tells the parser what changed since the text it had before, so that a
 * keystroke reparses a few nodes rather than the whole file (as the editor's own texts do).
 */
function snapshotTellingChanges(tsi: typeof ts, text: string): ts.IScriptSnapshot {
  return {
    getText: (start, end) => text.substring(start, end),
    getLength: () => text.length,
    getChangeRange(old) {
      const before = old.getText(0, old.getLength());
      const shorter = Math.min(before.length, text.length);
      let prefix = 0;
      while (prefix < shorter && before[prefix] === text[prefix]) prefix++;
      let suffix = 0;
      while (
        suffix < shorter - prefix &&
        before[before.length - 1 - suffix] === text[text.length - 1 - suffix]
      )
        suffix++;
      return tsi.createTextChangeRange(
        tsi.createTextSpan(prefix, before.length - prefix - suffix),
        text.length - prefix - suffix,
      );
    },
  };
}
