import { Badge, type BadgeColor } from '@grafana/ui';
import React from 'react';

const STATUS_COLORS: Record<string, BadgeColor> = {
  ready: 'green',
  succeeded: 'green',
  idle: 'green',
  running: 'blue',
  queued: 'blue',
  disabled: 'orange',
  paused: 'orange',
  cancelled: 'orange',
  failing: 'red',
  failed: 'red',
};

export function StatusBadge({ status }: { status?: string }) {
  if (!status) return <span>–</span>;
  return <Badge text={status} color={STATUS_COLORS[status] ?? 'purple'} />;
}

export function formatTime(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : new Date(value).toLocaleString();
}
