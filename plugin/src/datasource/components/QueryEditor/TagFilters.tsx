import type { SelectableValue } from '@grafana/data';
import { Button, InlineField, Select, Stack } from '@grafana/ui';
import { isRegexOperator, type TagFilter, type TagOperator } from '@tidemark/core';
import React from 'react';
import { TEST_IDS } from '../../../constants/tests';
import type { ScorerClient } from '../../api';
import { useSchemaOptions } from '../../hooks/useSchemaOptions';
import { SchemaSelect } from '../SchemaSelect/SchemaSelect';

interface Props {
  client: ScorerClient;
  database: string;
  measurement: string;
  tagKeys: Array<SelectableValue<string>>;
  tags: TagFilter[];
  onChange: (tags: TagFilter[]) => void;
}

const OPERATORS: Array<SelectableValue<TagOperator>> = [
  { label: '=', value: '=' },
  { label: '!=', value: '!=' },
  { label: '=~', value: '=~', description: 'matches the regex (RE2), e.g. ^web-\\d+$ or /^$host$/' },
  { label: '!~', value: '!~', description: 'does not match the regex' },
];

/** Tag filters, `key = value` or `key =~ regex`; values are listed for the chosen key and may be variables. */
export function TagFilters({ client, database, measurement, tagKeys, tags, onChange }: Props) {
  const replaceAt = (index: number, tag: TagFilter) => onChange(tags.map((t, i) => (i === index ? tag : t)));
  return (
    <InlineField
      label="Where"
      labelWidth={14}
      tooltip="Tag filters; a multi-value variable (or All) in an = filter gives one series per value, in a regex filter (a|b)"
    >
      <Stack direction="row" gap={0.5} wrap="wrap" alignItems="center">
        {tags.map((tag, index) => (
          <TagFilterRow
            // biome-ignore lint/suspicious/noArrayIndexKey: filters have no identity besides their position
            key={index}
            client={client}
            database={database}
            measurement={measurement}
            tagKeys={tagKeys}
            tag={tag}
            onChange={(next) => replaceAt(index, next)}
            onRemove={() => onChange(tags.filter((_, i) => i !== index))}
          />
        ))}
        <Button
          data-testid={TEST_IDS.queryEditor.addTag}
          variant="secondary"
          icon="plus"
          size="md"
          aria-label="Add tag filter"
          onClick={() => onChange([...tags, { key: '', operator: '=', value: '' }])}
        />
      </Stack>
    </InlineField>
  );
}

interface RowProps extends Omit<Props, 'tags' | 'onChange'> {
  tag: TagFilter;
  onChange: (tag: TagFilter) => void;
  onRemove: () => void;
}

function TagFilterRow({ client, database, measurement, tagKeys, tag, onChange, onRemove }: RowProps) {
  const values = useSchemaOptions(
    client,
    'tag-values',
    { database, measurement, key: tag.key },
    Boolean(database && measurement && tag.key),
  );
  return (
    <Stack direction="row" gap={0}>
      <SchemaSelect
        testId={TEST_IDS.queryEditor.tagKey}
        width={18}
        options={tagKeys}
        value={tag.key}
        placeholder="tag"
        onChange={(key) => onChange({ ...tag, key, value: '' })}
      />
      <Select
        width={8}
        options={OPERATORS}
        value={tag.operator}
        onChange={(option) => onChange({ ...tag, operator: option?.value ?? '=' })}
      />
      <SchemaSelect
        testId={TEST_IDS.queryEditor.tagValue}
        width={20}
        loading={values.loading}
        options={values.options}
        value={tag.value}
        placeholder={isRegexOperator(tag.operator) ? 'regex' : 'value'}
        onChange={(value) => onChange({ ...tag, value })}
      />
      <Button
        data-testid={TEST_IDS.queryEditor.removeTag}
        variant="secondary"
        icon="times"
        aria-label="Remove tag filter"
        onClick={onRemove}
      />
    </Stack>
  );
}
