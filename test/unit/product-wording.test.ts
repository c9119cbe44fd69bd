// The product speaks to its users: no text meant for the people who build it
// (promises of what a later version brings, the team, issue numbers, to-dos,
// paths of documents outside the product). Checked on what users get: the
// built renderer (out/renderer, `npm run build:ts`), every string and
// template literal of its JavaScript (comments are not shown to anyone and
// are left out) and the text of its HTML.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const OUT = path.join(__dirname, '../../out/renderer');

/** Wording that belongs in a tracker or a design note, not in the product. */
const FORBIDDEN: [RegExp, string][] = [
  [/\barrives? with\b/i, 'a promise of what comes later'],
  [/\b(will|to) (arrive|land|ship|come) (with|in)\b/i, 'a promise of what comes later'],
  [/\bcoming soon\b|\bnot yet implemented\b|\bin a (later|future|next) (version|release)\b/i, 'a promise of what comes later'],
  [/\broadmap\b/i, 'the roadmap'],
  [/\bmilestone\b|\bsprint\b/i, 'planning words'],
  [/\bTODO\b|\bFIXME\b|\bXXX\b/, 'a to-do'],
  [/\b(the|our|a) team\b|\bteam'?s\b/i, 'the team'],
  [/\bissue\s*#?\d+|\b(see|filed as|tracked in|open) (an |the )?issue\b|\/issues\/\d+/i, 'an issue reference'],
  [/\bvalidator (will|is coming|arrives|lands)\b|\bthe validator\b/i, 'an internal component promised'],
  [/\.\.\/shared\b/, 'a path outside the product'],
  [/\bBENCHMARKS\.md\b|\bARCHITECTURE\.md\b|\bseeds\/\d{3}/, 'an internal document'],
];

/** Every string literal and template-literal piece of a JavaScript file (what can reach the screen). */
function stringsOf(file: string): string[] {
  const src = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) out.push(n.text);
    n.forEachChild(visit);
  };
  visit(src);
  return out;
}

/** Strings of our own code: libraries' (vue, echarts, zod …) messages are theirs, not the product's. */
const bundled = (dir: string) => fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile());

function findings(texts: string[]): string[] {
  const hits: string[] = [];
  for (const t of texts)
    for (const [re, what] of FORBIDDEN) {
      const m = t.match(re);
      if (m) hits.push(`${what}: …${t.slice(Math.max(0, (m.index ?? 0) - 60), (m.index ?? 0) + 60).replace(/\s+/g, ' ')}…`);
    }
  return hits;
}

describe('the words of the built workbench', () => {
  it('catches what it is meant to catch', () => {
    expect(findings(['Statistics arrives with the profiler', 'see issue #12', 'TODO: later', 'from ../shared/design', 'goal (BENCHMARKS.md)', 'the team will'])).toHaveLength(6);
    expect(findings(['Time per sample (batch 32)', 'issues: z.array()', 'a steam engine', 'seed 000: 606 ms/sample'])).toEqual([]);
  });

  it('has none of the wording meant for its makers', () => {
    if (!fs.existsSync(OUT)) throw new Error(`${OUT} is missing: build the renderer first (npm run build:ts)`);
    const files = bundled(OUT);
    const js = files.filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    const texts = js.flatMap(stringsOf);
    for (const html of files.filter((f) => f.endsWith('.html'))) texts.push(fs.readFileSync(html, 'utf8').replace(/<[^>]+>/g, ' '));
    expect(findings(texts)).toEqual([]);
  });
});
