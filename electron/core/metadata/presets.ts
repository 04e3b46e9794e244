// Built-in templates for common recorders, written in the template language (template-language.ts).
// A folder's `template` is either one of these names or a template string of its own. Each
// preset lists every naming mode its recorder documents, with the fields a mode may leave empty,
// so a name from a less common mode still gives its numbers, direction and start time.
import { compileTemplate, type CompiledTemplate } from './template-language.js';

export interface Preset {
  name: string;
  description: string;
  template: string;
  /** One realistic name per mode; the first is the one shown when a name does not match. */
  examples: string[];
}

// FreePBX names a recording <mode>-<to>-<from>-<YYYYMMDD>-<HHMMSS>-<uniqueid> (sub-record-check,
// TIMESTR %Y%m%d-%H%M%S); <to> or <from> is empty when the caller id or DID is unknown.
const freepbxTail = '-{start:YYYYMMDD}-{start:HHmmss}-{callId}';

export const presets: Record<string, Preset> = {
  freepbx: {
    name: 'freepbx',
    description:
      'FreePBX / Asterisk call recordings: in-, out-, exten-, external-, internal-, ondemand- (one-touch), force-, q- (queue) and rg- (ring group) names, MeetMe conference recordings, and MixMonitor’s bare <uniqueid>; the unique id (with its dot) becomes the callId. Short numbers (2–6 digits) are read as extensions; a number the PBX left empty is simply absent.',
    template: [
      `in-{to}-{from}${freepbxTail}{direction=inbound}`,
      `out-{to}-{from}${freepbxTail}{direction=outbound}`,
      `external-{to}-{from}${freepbxTail}{direction=outbound}`,
      `internal-{to}-{from}${freepbxTail}`,
      `exten-{to}-{from}${freepbxTail}`,
      `ondemand-{to}-{from}${freepbxTail}`,
      `force-{to}-{from}${freepbxTail}`,
      `q-{extra.queue:opt-word}-{from}${freepbxTail}{direction=inbound}`,
      `rg-{extra.ringGroup:opt-word}-{from}${freepbxTail}{direction=inbound}`,
      'meetme-conf-rec-{extra.conference:word}-{callId:uniqueid}',
      '{callId:uniqueid}',
    ].join(' | '),
    examples: [
      'in-2125550100-2125550199-20240228-103000-1709116200.123.wav',
      'out-2125550199-101-20240228-103000-1709116200.124.wav',
      'external-2125550199-101-20240228-103000-1709116200.129.wav',
      'internal-102-101-20240228-103000-1709116200.130.wav',
      'exten-201-2125550199-20240228-103000-1709116200.126.wav',
      'ondemand-2125550199-101-20240228-103000-1709116200.131.wav',
      'force-2125550199-3201-20240228-103000-1709116200.132.wav',
      'q-600-2125550199-20240228-103000-1709116200.125.wav',
      'rg-700-2125550199-20240228-103000-1709116200.127.wav',
      'meetme-conf-rec-8000-1709116200.133.wav',
      '1709116200.134.wav',
    ],
  },
  '3cx': {
    name: '3cx',
    description:
      '3CX: [Display Name]_<from>-<to>_<YYYYMMDDhhmmss>(<n>); the display name (may be empty) becomes customerName and <n> (optional) extra.callHistoryId.',
    template: [
      '[{customerName:opt-text}]_{from}-{to}_{start:YYYYMMDDHHmmss}({extra.callHistoryId:digits})',
      '[{customerName:opt-text}]_{from}-{to}_{start:YYYYMMDDHHmmss}',
    ].join(' | '),
    examples: [
      '[John Smith]_+12125550199-101_20240228103000(42).wav',
      '[]_+12125550199-101_20240228103000(43).wav',
      '[Anna Smith]_101-+442079460000_20240228103000.wav',
    ],
  },
  ringcentral: {
    name: 'ringcentral',
    description:
      'RingCentral exports: YYYYMMDD-HHMMSS_<extension or name>_<phone>_<Incoming|Outgoing>_<Automatic|On-Demand>_<id>; the extension may be empty; the id becomes the callId.',
    template: [
      '{start:YYYYMMDD-HHmmss}_{extensionId:opt-text}_{remote:text}_{direction}_{extra.recordingType:text}_{callId}',
      '{start:YYYYMMDD-HHmmss}_{extensionId:opt-text}_{remote:text}_{direction}_{callId}',
    ].join(' | '),
    examples: [
      '20240228-103000_101_(212) 555-0199_Incoming_Auto_2937465001.mp3',
      '20240228-103000__+44 20 7946 0000_Outgoing_On-Demand_2937465003.mp3',
      '20240228-103000_101_2125550199_Inbound_2937465004.mp3',
    ],
  },
  'zoom-cc': {
    name: 'zoom-cc',
    description:
      'Zoom: Contact Center GMTYYYYMMDD-HHMMSS_<id>_<type> (the type may be left out) and cloud recordings GMTYYYYMMDD-HHMMSS_Recording[_<layout>], time in UTC; the id becomes groupingId (one engagement may have several recordings).',
    template: [
      'GMT{start:YYYYMMDD-HHmmss}_Recording_{extra.recordingType}{tz=UTC}',
      'GMT{start:YYYYMMDD-HHmmss}_Recording{tz=UTC}',
      'GMT{start:YYYYMMDD-HHmmss}_{groupingId:word}_{extra.recordingType}{tz=UTC}',
      'GMT{start:YYYYMMDD-HHmmss}_{groupingId:word}{tz=UTC}',
    ].join(' | '),
    examples: [
      'GMT20240228-103000_8Jd7Ks2Q_voice.m4a',
      'GMT20240228-103000_8Jd7Ks2Q.m4a',
      'GMT20240228-103000_Recording.m4a',
      'GMT20240228-103000_Recording_1920x1080.mp4',
    ],
  },
  'dashed-numeric': {
    name: 'dashed-numeric',
    description:
      'Dash-separated numeric names such as 1034-119-17-2075-2029-7678334829-o-0-251125-180353: the other party’s number (empty when withheld), o/i direction, a counter, ddMMyy and HHmmss.',
    template: [
      '{_}-{remote:digits}-{direction}-{_:digits}-{start:ddMMyy}-{start:HHmmss}',
      '{_}--{direction}-{_:digits}-{start:ddMMyy}-{start:HHmmss}',
    ].join(' | '),
    examples: [
      '1034-119-17-2075-2029-7678334829-o-0-251125-180353.wav',
      '1034-119-17-2075-2029--i-0-251125-180353.wav',
    ],
  },
  'amazon-connect': {
    name: 'amazon-connect',
    description:
      'Amazon Connect call recordings as stored in S3 (…/CallRecordings/YYYY/MM/DD/<contactId>_YYYYMMDDTHH:mm_UTC.wav); the colon may arrive as -, _ or %3A after a sync to Windows. The contact id becomes the callId; the time is in UTC, to the minute.',
    template: [
      '{callId:uuid}_{start:YYYYMMDDTHH:mm}_UTC{tz=UTC}',
      '{callId:uuid}_{start:YYYYMMDDTHH%3Amm}_UTC{tz=UTC}',
      '{callId:uuid}_{start:YYYYMMDDTHH-mm}_UTC{tz=UTC}',
      '{callId:uuid}_{start:YYYYMMDDTHH_mm}_UTC{tz=UTC}',
      '{callId:uuid}_{start:YYYYMMDDTHHmm}_UTC{tz=UTC}',
    ].join(' | '),
    examples: [
      '3f2b9c1e-7a4d-4e0b-8f3a-2d5c6e7f8a90_20240228T10:30_UTC.wav',
      '3f2b9c1e-7a4d-4e0b-8f3a-2d5c6e7f8a91_20240228T10-30_UTC.wav',
    ],
  },
  twilio: {
    name: 'twilio',
    description:
      'Twilio recordings: RE<32 hex>, alone or with the call SID (CA<32 hex>) before or after it, joined by _ or -; the recording SID becomes the callId and the call SID the groupingId.',
    template: [
      '{callId:recording-sid}',
      '{groupingId:call-sid}_{callId:recording-sid}',
      '{groupingId:call-sid}-{callId:recording-sid}',
      '{callId:recording-sid}_{groupingId:call-sid}',
      '{callId:recording-sid}-{groupingId:call-sid}',
    ].join(' | '),
    examples: [
      'RE557ce644e5ab84fa21cc21112e22c485.wav',
      'CA8dfedb55c129dd4d6bd1f59af9d11080_RE557ce644e5ab84fa21cc21112e22c485.mp3',
    ],
  },
  'genesys-cloud': {
    name: 'genesys-cloud',
    description:
      'Genesys Cloud recording exports to S3 (…/conversation_id=<conversationId>/<recordingId>.<ext>): the recording id becomes the callId and the conversation id, from the folder, the groupingId.',
    template: ['conversation_id={groupingId:uuid}/{callId:uuid}', '{callId:uuid}'].join(' | '),
    examples: [
      'conversation_id=9a8b7c6d-1e2f-4a3b-8c4d-5e6f7a8b9c0d/1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d.opus',
      '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d.wav',
    ],
  },
  asterisk: {
    name: 'asterisk',
    description:
      'Plain Asterisk MixMonitor with its default name, the channel’s <uniqueid> (1709116200.123.wav): the unique id becomes the callId, so a CDR lookup can fill in the rest.',
    template: '{callId:uniqueid}',
    examples: ['1709116200.123.wav'],
  },
};

export const presetNames = Object.keys(presets);

/** Optimal string alignment distance (edits, with swapped neighbours as one edit). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The preset a mistyped name most likely meant, or null when none is close. */
export function suggestPreset(name: string): string | null {
  const wanted = name.trim().toLowerCase();
  let best: { name: string; distance: number } | null = null;
  for (const preset of presetNames) {
    const distance = editDistance(wanted, preset);
    if (!best || distance < best.distance) best = { name: preset, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(best.name.length / 3)) ? best.name : null;
}

/**
 * Why a folder's `template` cannot be what was meant, or null when it is fine: a preset name, or
 * a template with at least one field in braces. A bare word (a typo such as "freepxb") would
 * otherwise be taken as a literal name that silently never matches. A template with a syntax
 * error is not refused here: its folder's recordings wait for review with the reason.
 */
export function checkTemplateSetting(template: string): string | null {
  if (presets[template.trim().toLowerCase()]) return null;
  if (/(^|[^\\])\{/.test(template)) return null;
  const suggestion = suggestPreset(template);
  return (
    `"${template}" is neither a preset nor a template with a field in braces` +
    (suggestion ? `; did you mean ${suggestion}?` : '') +
    ` Presets: ${presetNames.join(', ')}; a template names its fields in braces, e.g. {callId}.`
  );
}

/** A preset's or a custom template's compiled form. Throws TemplateError when it is invalid. */
export function resolveTemplate(nameOrTemplate: string): {
  label: string;
  compiled: CompiledTemplate;
  preset: Preset | null;
} {
  const preset = presets[nameOrTemplate.trim().toLowerCase()];
  if (preset) return { label: `the ${preset.name} preset`, compiled: compileTemplate(preset.template), preset };
  return { label: 'the folder template', compiled: compileTemplate(nameOrTemplate), preset: null };
}
