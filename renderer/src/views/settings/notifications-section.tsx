// Settings › Notifications: when the app tells the person something needs them.
import { useState, type FormEvent } from 'react';
import type { SettingsView as Settings } from '../../../../shared/contract.js';
import { useServices } from '../../app-services.js';
import { useFieldErrors, type FieldErrors } from './field-errors.js';
import { NumberField } from './number-field.js';
import { isLocked, LockedNote } from './policy-lock.js';
import { parseNumberField, settingSchemas } from './schema-limits.js';
import { SettingsForm } from './settings-form.js';

export function NotificationsSection({ view }: { view: Settings }) {
  const { settings } = useServices();
  const [reviewWaiting, setReviewWaiting] = useState(view.notifications.reviewWaiting);
  const [after, setAfter] = useState(String(view.notifications.destinationFailingAfterMin));
  const minutes = parseNumberField(settingSchemas.destinationFailingAfterMin, after, 'Minutes');
  const errors: FieldErrors = minutes.ok ? {} : { after: minutes.message };
  const checks = useFieldErrors('notify', errors, { after });

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!checks.submit() || !minutes.ok) return;
    await settings
      .getState()
      .update(
        { notifications: { reviewWaiting, destinationFailingAfterMin: minutes.value } },
        'Notifications',
        'notifications-settings',
      );
  }

  return (
    <SettingsForm id="notifications-settings" title="Notifications" saveLabel="Save notifications" onSubmit={onSubmit}>
      <div className="form-field checkbox-field">
        <label>
          <input
            type="checkbox"
            checked={reviewWaiting}
            disabled={isLocked(view, 'notifications.reviewWaiting')}
            onChange={(e) => setReviewWaiting(e.target.checked)}
          />{' '}
          Tell me when a call waits for review
        </label>
        {isLocked(view, 'notifications.reviewWaiting') ? <LockedNote view={view} /> : null}
      </div>
      <NumberField
        name="after"
        label="Tell me when a destination has been failing for (minutes)"
        schema={settingSchemas.destinationFailingAfterMin}
        value={after}
        onChange={setAfter}
        checks={checks}
        locked={isLocked(view, 'notifications.destinationFailingAfterMin') ? view : null}
      />
    </SettingsForm>
  );
}
