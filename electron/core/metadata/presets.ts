// Built-in templates for common recorders, written in the template language (template-language.ts).
// A folder's `template` is either one of these names or a template string of its own.
import { compileTemplate, type CompiledTemplate } from './template-language.js';

export interface Preset {
  name: string;
  description: string;
  template: string;
  examples: string[];
}

const freepbxTail = '-{start:YYYYMMDD}-{start:HHmmss}-{callId}';

export const presets: Record<string, Preset> = {
  freepbx: {
    name: 'freepbx',
    description:
      'FreePBX / Asterisk call recordings: in-, out-, exten-, external-, q- (queue) and rg- (ring group) names; the unique id (with its dot) becomes the callId. Short numbers (2–6 digits) are read as extensions.',
    template: [
      `in-{to}-{from}${freepbxTail}{direction=inbound}`,
      `out-{to}-{from}${freepbxTail}{direction=outbound}`,
      `external-{to}-{from}${freepbxTail}{direction=outbound}`,
      `exten-{to}-{from}${freepbxTail}`,
      `q-{extra.queue:word}-{from}${freepbxTail}{direction=inbound}`,
      `rg-{extra.ringGroup:word}-{from}${freepbxTail}{direction=inbound}`,
    ].join(' | '),
    examples: [
      'in-2125550100-2125550199-20240228-103000-1709116200.123.wav',
      'out-2125550199-101-20240228-103000-1709116200.124.wav',
      'q-600-2125550199-20240228-103000-1709116200.125.wav',
    ],
  },
  '3cx': {
    name: '3cx',
    description:
      '3CX: [Display Name]_<from>-<to>_<YYYYMMDDhhmmss>(<n>); the display name becomes customerName and <n> extra.callHistoryId.',
    template: [
      '[{customerName}]_{from}-{to}_{start:YYYYMMDDHHmmss}({extra.callHistoryId:digits})',
      '[{customerName}]_{from}-{to}_{start:YYYYMMDDHHmmss}',
    ].join(' | '),
    examples: ['[John Smith]_+12125550199-101_20240228103000(42).wav'],
  },
  ringcentral: {
    name: 'ringcentral',
    description:
      'RingCentral exports: YYYYMMDD-HHMMSS_<ext>_<phone>_<Incoming|Outgoing>_<Auto|OnDemand>_<id>; the id becomes the callId.',
    template:
      '{start:YYYYMMDD-HHmmss}_{extensionId:word}_{remote:text}_{direction}_{extra.recordingType:word}_{callId}',
    examples: ['20240228-103000_101_(212) 555-0199_Incoming_Auto_2937465001.mp3'],
  },
  'zoom-cc': {
    name: 'zoom-cc',
    description:
      'Zoom Contact Center: GMTYYYYMMDD-HHMMSS_<id>_<type>, time in UTC; the id becomes groupingId (one engagement may have several recordings) and the type extra.recordingType.',
    template: 'GMT{start:YYYYMMDD-HHmmss}_{groupingId:word}_{extra.recordingType}{tz=UTC}',
    examples: ['GMT20240228-103000_8Jd7Ks2Q_voice.m4a'],
  },
  'dashed-numeric': {
    name: 'dashed-numeric',
    description:
      'Dash-separated numeric names such as 1034-119-17-2075-2029-7678334829-o-0-251125-180353: the other party’s number, o/i direction, a counter, ddMMyy and HHmmss.',
    template: '{_}-{remote:digits}-{direction}-{_:digits}-{start:ddMMyy}-{start:HHmmss}',
    examples: ['1034-119-17-2075-2029-7678334829-o-0-251125-180353.wav'],
  },
};

export const presetNames = Object.keys(presets);

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
