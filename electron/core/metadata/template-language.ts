/*
 * The file-name template language. Recorders encode call details in file names; a template says
 * where each detail sits. The template is matched against the file name WITHOUT its last
 * extension ("in-…-1709116200.123.wav" is matched as "in-…-1709116200.123"), case-insensitively.
 *
 * Grammar (ABNF-like):
 *
 *   template     = alternative *( "|" alternative )   ; first alternative that matches wins
 *   alternative  = *( literal / capture / constant )
 *   capture      = "{" target [ ":" kind ] "}"         ; consumes text, assigns it to target
 *   constant     = "{" target "=" value "}"            ; consumes nothing, assigns value
 *   target       = field / "extra." key / "remote" / "start" / "_" / "tz"
 *   field        = "callId" / "groupingId" / "from" / "to" / "direction" / "agentId" / "userId"
 *                / "extensionId" / "customerName" / "customerPhone" / "orderId" / "campaignId"
 *                / "skillId" / "channel" / "notes" / "status"
 *   key          = 1*( ALPHA / DIGIT / "_" / "-" )
 *   kind         = "digits" / "phone" / "word" / "text" / "direction" / "uuid" / "uniqueid"
 *                / "call-sid" / "recording-sid" / "opt-word" / "opt-text" / date-format   ; see below
 *   date-format  = 1*( date-token / other-char ) / "epoch"          ; only for target "start"
 *   date-token   = "YYYY" / "yyyy" / "YY" / "yy" / "MM" / "DD" / "dd" / "HH" / "hh" / "mm" / "ss" / "SSS"
 *   literal      = 1*( any char but "{", "}", "|", "\" / "\" any-char )  ; "\" escapes one char
 *
 * Kinds (what a capture matches):
 *   digits     one or more digits
 *   phone      digits with + ( ) . and spaces, or one word such as "anonymous"; may be empty
 *              (never a dash or underscore: those separate fields)
 *   word       one or more characters other than "-" and "_"
 *   text       any characters, as few as needed for the rest of the template to match
 *   direction  in, inbound, incoming, i / out, outbound, outgoing, o (any case)
 *   uuid       a UUID such as 3f2b9c1e-7a4d-4e0b-8f3a-2d5c6e7f8a90 (Amazon Connect, Genesys Cloud)
 *   uniqueid   an Asterisk unique id: Unix seconds, a dot, a counter (1709116200.123)
 *   call-sid / recording-sid   Twilio SIDs: CA or RE and 32 hex digits
 *   opt-word / opt-text        word / text that may also be empty (a recorder leaves it blank)
 * Defaults: from, to, customerPhone and remote are phone; direction is direction; the rest text.
 *
 * Targets with special meaning:
 *   start      the call's start; several {start:…} pieces combine (date in one, time in another).
 *              MM is the month and mm the minute; hh is read as 24-hour HH; YY means 20YY.
 *              "epoch" reads Unix seconds (optionally with a fraction).
 *   remote     the other party's number: becomes `from` of an inbound call, `to` of an outbound
 *              one, and the customerPhone of either.
 *   _          matched and thrown away.
 *   tz         constant only: the IANA zone the name's time is written in, e.g. {tz=UTC};
 *              otherwise the folder's time zone applies.
 *   extra.key  kept as a free key/value in the call's `extra`.
 *
 * A template with "/" outside braces matches that many parent folders too: for
 * "conversation_id={groupingId:uuid}/{callId:uuid}" the last folder and the file name.
 *
 * Example: "in-{to}-{from}-{start:YYYYMMDD}-{start:HHmmss}-{callId}{direction=inbound}"
 * matches "in-2125550100-2125550199-20240228-103000-1709116200.123".
 */
export {
  compileTemplate,
  kindPatterns,
  templateFields,
  TemplateError,
  type CompiledTemplate,
  type TemplateField,
} from './template-compile.js';
export { describeMiss, matchTemplate, stemOf, type ClosestMiss, type TemplateMatch } from './template-match.js';
