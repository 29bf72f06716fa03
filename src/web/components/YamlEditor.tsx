/**
 * A YAML editor (CodeMirror 6): line numbers, YAML highlighting, undo, and problems shown as lint
 * diagnostics at their lines (an underline, a marker in the gutter, the reason on hover). The text
 * is the author's own: nothing here reformats it.
 *
 * Loaded on demand (`lazy(() => import('./YamlEditor'))`), so only the catalog's draft tab pays
 * for CodeMirror.
 *
 * Keyboard: Tab indents (YAML is indented by spaces); Escape then Tab (or Shift-Tab) leaves the
 * editor, CodeMirror's tab focus mode, so focus is never trapped. Ctrl-M (Alt-Shift-M on macOS)
 * toggles that mode for good.
 */
import { useEffect, useRef } from 'react';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { HighlightStyle, indentUnit, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { Compartment, EditorState } from '@codemirror/state';
import { tags } from '@lezer/highlight';
import { EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';

export interface EditorProblem {
  from: number;
  to: number;
  message: string;
}

export interface YamlEditorProps {
  value: string;
  onChange: (text: string) => void;
  /** The accessible name of the text box, in the UI's language. */
  label: string;
  /** The id of a text that tells how to use the editor (its keys). */
  describedBy?: string;
  /** Problems to show at their places in `value`. */
  problems: readonly EditorProblem[];
  /** Move the cursor to this offset and scroll it into view (a new object each time it is asked). */
  reveal?: { at: number } | null;
  testId?: string;
}

/** YAML's parts in colours that keep WCAG AA contrast (4.5:1) on white and on the active line. */
const highlight = HighlightStyle.define([
  { tag: tags.definition(tags.propertyName), color: '#0b3d91' },
  { tag: tags.string, color: '#a11111' },
  { tag: tags.lineComment, color: '#6b4600', fontStyle: 'italic' },
  { tag: [tags.keyword, tags.typeName, tags.labelName], color: '#6a1b8a' },
  { tag: [tags.meta, tags.separator, tags.punctuation, tags.squareBracket, tags.brace], color: '#3d3d3d' },
  { tag: tags.special(tags.string), color: '#0b5d3b' },
]);

const theme = EditorView.theme({
  '&': { border: '1px solid #767676', borderRadius: '4px', fontSize: '0.9rem', backgroundColor: '#fff' },
  '&.cm-focused': { outline: '2px solid #005fcc', outlineOffset: '2px' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', maxHeight: '32rem', minHeight: '18rem' },
  '.cm-gutters': { backgroundColor: '#f3f3f3', color: '#4a4a4a', borderRight: '1px solid #ccc' },
  '.cm-activeLineGutter': { backgroundColor: '#dde8f5', color: '#1a1a1a' },
  '.cm-activeLine': { backgroundColor: '#f2f7fd' },
});

/** The text box's own attributes: its name, its place in the tab order, no spelling marks, and the test id. */
const attributes = (label: string, testId?: string, describedBy?: string) =>
  EditorView.contentAttributes.of({
    'aria-label': label,
    // Already in the tab order as an editable element; said outright so that checkers (axe's
    // scrollable-region-focusable) see the scrolling region holds something the keyboard reaches.
    tabindex: '0',
    spellcheck: 'false',
    autocorrect: 'off',
    autocapitalize: 'off',
    ...(describedBy ? { 'aria-describedby': describedBy } : {}),
    ...(testId ? { 'data-testid': testId } : {}),
  });

const toDiagnostics = (problems: readonly EditorProblem[], length: number): Diagnostic[] =>
  problems.map((p) => {
    const from = Math.min(p.from, length);
    return { from, to: Math.min(Math.max(p.to, from), length), severity: 'error', message: p.message };
  });

export default function YamlEditor({ value, onChange, label, describedBy, problems, reveal, testId }: YamlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const attrs = useRef(new Compartment());
  const change = useRef(onChange);
  change.current = onChange;

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          // Long lines wrap (numbered once): nothing scrolls sideways, on a phone either.
          EditorView.lineWrapping,
          highlightActiveLineGutter(),
          highlightActiveLine(),
          history(),
          indentUnit.of('  '),
          EditorState.tabSize.of(2),
          yaml(),
          syntaxHighlighting(highlight),
          lintGutter(),
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          attrs.current.of(attributes(label, testId, describedBy)),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) change.current(u.state.doc.toString());
          }),
          theme,
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // Made once; the props below are applied as they change.
  }, []);

  // A text from outside (a stored draft opened, the version in force again): replaces the editor's.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  // The language can change while the editor is open: its name follows.
  useEffect(() => {
    const v = view.current;
    if (v) v.dispatch({ effects: attrs.current.reconfigure(attributes(label, testId, describedBy)) });
  }, [label, testId, describedBy]);

  useEffect(() => {
    const v = view.current;
    if (v) v.dispatch(setDiagnostics(v.state, toDiagnostics(problems, v.state.doc.length)));
  }, [problems]);

  useEffect(() => {
    const v = view.current;
    if (!v || !reveal) return;
    const at = Math.min(reveal.at, v.state.doc.length);
    v.dispatch({ selection: { anchor: at }, effects: EditorView.scrollIntoView(at, { y: 'center' }) });
    v.focus();
  }, [reveal]);

  return <div ref={host} className="yaml-editor" data-testid={testId ? `${testId}-editor` : undefined} />;
}
