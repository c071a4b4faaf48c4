/** The HTTP calls behind the analytics dashboard, over the app's typed realm (api.ts). */
import { app } from '../api';
import type { ResponseOf } from '../types';

export type Analytics = ResponseOf<'/api/analytics', 'get'>;
export type AnalyticsProjects = ResponseOf<'/api/analytics/projects', 'get'>;
export type DrillMetric =
  'all' | 'revenue' | 'outstanding' | 'upcoming' | 'onTime' | 'late' | 'collection' | 'costs';

export interface AnalyticsFilter {
  from: string;
  to: string;
  currency?: string | undefined;
}

export interface DrillFilter extends AnalyticsFilter {
  metric: DrillMetric;
  projectType?: string | undefined;
}

const defined = <T extends object>(query: T): T =>
  Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== '')) as T;

export const analyticsKeys = {
  figures: (filter: AnalyticsFilter) => ['analytics', 'figures', filter] as const,
  projects: (filter: DrillFilter) => ['analytics', 'projects', filter] as const,
};

export const analyticsApi = {
  figures: (filter: AnalyticsFilter) =>
    app.send((c) => c.GET('/api/analytics', { params: { query: defined(filter) } })),
  projects: (filter: DrillFilter) =>
    app.send((c) =>
      c.GET('/api/analytics/projects', { params: { query: { ...defined(filter), limit: 100 } } }),
    ),
};

/** The CSV of the projects behind a figure (every one, not a page). */
export function exportCsvUrl(filter: DrillFilter): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(defined(filter))) params.set(k, String(v));
  return `/api/analytics/export.csv?${params.toString()}`;
}
