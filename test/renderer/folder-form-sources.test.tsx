// @vitest-environment jsdom
// The folder form's preview says, for each field, which source gave it, in plain words.
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { MetadataPreview } from '../../shared/contract.js';
import { FolderForm } from '../../renderer/src/views/settings/folder-form.js';

afterEach(cleanup);

describe('folder form preview', () => {
  it('names the file name, agent directory, CDR, sidecar and folder default as sources', async () => {
    const preview: MetadataPreview = {
      fields: {
        callId: '1709116200.77',
        agentId: 'agent-asha',
        customerName: 'Ada Lovelace',
        orderId: 'ORD-1',
        channel: 'call',
      },
      sources: {
        callId: 'filename',
        agentId: 'directory',
        customerName: 'cdr',
        orderId: 'sidecar',
        channel: 'folder-default',
      },
      missing: [],
      error: null,
    };
    render(
      <FolderForm
        existing={null}
        destinations={['cx']}
        saving={false}
        canPickFolder={false}
        onPickFolder={() => Promise.resolve(null)}
        onPreview={() => Promise.resolve(preview)}
        onSave={() => Promise.resolve({ ok: true, message: 'saved', fields: {} })}
        onCancel={() => undefined}
        previewDelayMs={0}
      />,
    );
    const table = await screen.findByTestId('template-preview');
    await waitFor(() => expect(table.textContent).toContain('agent-asha'));
    const rowOf = (field: string) => within(table).getByText(field).closest('tr')!;
    expect(rowOf('callId').textContent).toContain('file name');
    expect(rowOf('agentId').textContent).toContain('agent directory');
    expect(rowOf('customerName').textContent).toContain('PBX call record (CDR)');
    expect(rowOf('orderId').textContent).toContain('sidecar');
    expect(rowOf('channel').textContent).toContain('folder default');
  });
});
