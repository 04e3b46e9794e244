// Inline field errors shared by the settings forms: the input points at its message so screen readers read it.

/** Ids and ARIA for the control of `key`, and its error message, both under `prefix`. */
export function createFieldErrors(prefix: string, errors: Record<string, string>) {
  return {
    fieldProps(key: string) {
      return {
        id: `${prefix}-${key}`,
        'aria-invalid': errors[key] ? true : undefined,
        'aria-describedby': errors[key] ? `${prefix}-${key}-error` : undefined,
      };
    },
    errorFor(key: string) {
      return errors[key] ? (
        <small id={`${prefix}-${key}-error`} className="field-error">
          {errors[key]}
        </small>
      ) : null;
    },
  };
}
