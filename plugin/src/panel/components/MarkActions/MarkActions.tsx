import { Button, Input, Stack } from '@grafana/ui';
import type { Mark, MarkInput } from '@tidemark/core';
import React, { useState } from 'react';
import { TEST_IDS } from '../../../constants/tests';
import type { ScorerClient } from '../../../datasource/api';

interface Props {
  target: Omit<MarkInput, 'note'>;
  client: ScorerClient;
}

const LABELS = { 'not-anomaly': 'Not an anomaly', missed: 'Missed anomaly' } as const;

/** In a pinned tooltip: an Editor marks the flagged region as normal, or the unflagged point as missed. */
export function MarkActions({ target, client }: Props) {
  const [note, setNote] = useState('');
  const [state, setState] = useState<{ mark?: Mark; error?: string; busy?: boolean }>({});
  const save = () => {
    setState({ busy: true });
    client.createMark({ ...target, ...(note.trim() ? { note: note.trim() } : {}) }).then(
      (mark) => setState({ mark }),
      (error: Error) => setState({ error: error.message }),
    );
  };
  if (state.mark) {
    return (
      <div data-testid={TEST_IDS.panel.markDone}>
        Marked “{LABELS[state.mark.kind].toLowerCase()}”; it shows as an annotation after the next refresh.
      </div>
    );
  }
  return (
    <Stack direction="column" gap={0.5}>
      <Input
        placeholder="Note (optional)"
        value={note}
        onChange={(e) => setNote(e.currentTarget.value)}
        data-testid={TEST_IDS.panel.markNote}
      />
      <Button
        size="sm"
        variant="secondary"
        icon={target.kind === 'missed' ? 'exclamation-triangle' : 'check'}
        disabled={state.busy}
        onClick={save}
        data-testid={TEST_IDS.panel.mark}
      >
        Mark: {LABELS[target.kind].toLowerCase()}
      </Button>
      {state.error && <div data-testid={TEST_IDS.panel.markError}>{state.error}</div>}
    </Stack>
  );
}
