import { describe, expect, test } from 'vitest';
import { parsePortalTarget, targetElementId } from '../../src/web/components/PortalDeepLink';
import type { DeliverableFile, Milestone, PortalView } from '../../src/web/types';

function milestone(id: string, position: number, status: Milestone['status'], due = 0): Milestone {
  return { id, position, status, outstandingMinor: due } as Milestone;
}

function view(milestones: Milestone[], archived = false): PortalView {
  return { milestones, project: { archivedAt: archived ? '2026-01-01' : null } } as PortalView;
}

const file = (milestoneId: string) => ({ milestoneId }) as DeliverableFile;

describe('links into the portal', () => {
  test('the mail link names a milestone; a hash names a place', () => {
    expect(parsePortalTarget('/portal/milestones/m1', '')).toEqual({
      kind: 'milestone',
      id: 'm1',
      want: 'auto',
    });
    expect(parsePortalTarget('/portal/milestones/m1/pay', '')).toMatchObject({ want: 'pay' });
    expect(parsePortalTarget('/portal', '#files')).toEqual({ kind: 'files' });
    expect(parsePortalTarget('/portal', '#milestone-m2')).toEqual({
      kind: 'milestone',
      id: 'm2',
      want: 'card',
    });
    // The access link's token is not a place.
    expect(parsePortalTarget('/portal', '#access=abc')).toBeNull();
    expect(parsePortalTarget('/portal', '')).toBeNull();
  });

  test('a milestone link lands on its pay box while due, on its files once paid', () => {
    const due = view([milestone('m1', 1, 'delivered', 500), milestone('m2', 2, 'locked')]);
    const target = parsePortalTarget('/portal/milestones/m1', '');
    if (target === null) throw new Error('no target');
    expect(targetElementId(target, due, [file('m1')])).toBe('pay-m1');
    const paid = view([milestone('m1', 1, 'paid'), milestone('m2', 2, 'open')]);
    expect(targetElementId(target, paid, [file('m1')])).toBe('files-m1');
    expect(targetElementId(target, paid, [])).toBe('milestone-m1');
    // Archived: nothing is payable any more.
    expect(targetElementId(target, view(due.milestones, true), [])).toBe('milestone-m1');
    // A milestone that is gone: the summary card.
    expect(targetElementId({ kind: 'milestone', id: 'gone', want: 'auto' }, paid, [])).toBe(
      'portal-next',
    );
  });

  test('#pay and #files find the due milestone and the latest paid files', () => {
    const v = view([
      milestone('m1', 1, 'paid'),
      milestone('m2', 2, 'paid'),
      milestone('m3', 3, 'delivered', 100),
    ]);
    const files = [file('m1'), file('m2'), file('m3')];
    expect(targetElementId({ kind: 'pay' }, v, files)).toBe('pay-m3');
    expect(targetElementId({ kind: 'files' }, v, files)).toBe('files-m2');
    expect(targetElementId({ kind: 'pay' }, view([milestone('m1', 1, 'open')]), [])).toBe(
      'portal-next',
    );
  });
});
