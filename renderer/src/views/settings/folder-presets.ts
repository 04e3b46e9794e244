// The recorder presets a folder can pick (with a sample name each, for the preview) and the
// words for where a previewed field came from.
export const templatePresets: { value: string; label: string; sample: string }[] = [
  {
    value: 'freepbx',
    label: 'FreePBX / Asterisk',
    sample: 'in-4045551234-6785550000-20240228-103000-1709116200.123.wav',
  },
  { value: '3cx', label: '3CX', sample: '[Agent Smith]_101-+15551234567_20240228103000(12).wav' },
  {
    value: 'ringcentral',
    label: 'RingCentral export',
    sample: '20240228-103000_101_(212) 555-0199_Incoming_Auto_2937465001.mp3',
  },
  { value: 'zoom-cc', label: 'Zoom Contact Center', sample: 'GMT20240228-103000_8Jd7Ks2Q_voice.m4a' },
  {
    value: 'dashed-numeric',
    label: 'Dash-separated numbers',
    sample: '1034-119-17-2075-2029-7678334829-o-0-251125-180353.wav',
  },
  {
    value: 'amazon-connect',
    label: 'Amazon Connect (S3)',
    sample: '3f2b9c1e-7a4d-4e0b-8f3a-2d5c6e7f8a90_20240228T10:30_UTC.wav',
  },
  { value: 'twilio', label: 'Twilio recordings', sample: 'RE557ce644e5ab84fa21cc21112e22c485.wav' },
  {
    value: 'genesys-cloud',
    label: 'Genesys Cloud export',
    sample: 'conversation_id=9a8b7c6d-1e2f-4a3b-8c4d-5e6f7a8b9c0d/1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d.opus',
  },
  { value: 'asterisk', label: 'Asterisk MixMonitor (unique id)', sample: '1709116200.123.wav' },
];

/** Where a previewed field came from, in the words of the settings screen. */
export const sourceLabels: Record<string, string> = {
  form: 'review form',
  sidecar: 'sidecar',
  cdr: 'PBX call record (CDR)',
  filename: 'file name',
  directory: 'agent directory',
  'folder-default': 'folder default',
  'content-hash': 'recording content',
  mtime: 'file time',
  probe: 'audio length',
  derived: 'worked out',
};
