import { ROLLOUT_STATES, type StateField } from '../../../clients/report/rollout-states';

/** Just enough reading of the report's own markup for its tests (it is generated, so regular). */
export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function seriesBars(svg: string): Map<StateField, Bar[]> {
  const series = new Map<StateField, Bar[]>();
  for (const { field } of ROLLOUT_STATES) {
    const group = new RegExp(`<g class="series" data-state="${field}"[^>]*>([\\s\\S]*?)</g>`).exec(svg);
    if (!group) continue;
    const bars = [...group[1]!.matchAll(/<rect x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)"/g)].map((m) => ({
      x: Number(m[1]),
      y: Number(m[2]),
      width: Number(m[3]),
      height: Number(m[4]),
    }));
    series.set(field, bars);
  }
  return series;
}

export const seriesFill = (svg: string, field: StateField): string | undefined =>
  new RegExp(`<g class="series" data-state="${field}" fill="([^"]+)"`).exec(svg)?.[1];

/** Each row of a table's body (or foot) as its cells' text. */
export function tableRows(html: string, id: string, part: 'tbody' | 'tfoot' | 'thead' = 'tbody'): string[][] {
  const table = new RegExp(`<table id="${id}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  const section = new RegExp(`<${part}>([\\s\\S]*?)</${part}>`).exec(table)?.[1] ?? '';
  return [...section.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cell[1]!.replace(/<[^>]+>/g, '')),
  );
}

export const number = (text: string): number => Number(text.replace(/,/g, ''));
