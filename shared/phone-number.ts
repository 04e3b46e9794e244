// Phone numbers to E.164, one rule for the core (file names, sidecars, the PBX's records) and the
// review form. Recorders write numbers every way (national, with spaces and brackets, 00-prefixed);
// platforms want +<country><number>. Short all-digit values are PBX extensions, not phone numbers,
// and are reported as such so the caller can file them as extensionId.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export type PhoneReading = { e164: string } | { extension: string } | { error: string };

const e164 = /^\+[1-9]\d{7,14}$/;

export function readPhoneNumber(raw: string, region: string | undefined): PhoneReading {
  const text = raw.trim();
  if (/^\d{2,6}$/.test(text)) return { extension: text };
  if (!/\d/.test(text)) {
    return { error: `"${text}" is not a phone number (a withheld or unknown caller?)` };
  }
  // "00" is the international prefix almost everywhere; libphonenumber only knows the region's own.
  const international = text.replace(/^\s*00(?=[1-9])/, '+');
  if (!international.startsWith('+') && !region) {
    return {
      error: `"${text}" has no country code and the folder has no default region; set the folder's region (e.g. US) or write the number as +<country code><number>`,
    };
  }
  const parsed = parsePhoneNumberFromString(international, region as CountryCode | undefined);
  if (!parsed || !parsed.isPossible() || !e164.test(parsed.number)) {
    return {
      error: `"${text}" is not a possible phone number${region ? ` in region ${region}` : ''}; write it as +<country code><number>`,
    };
  }
  return { e164: parsed.number };
}
