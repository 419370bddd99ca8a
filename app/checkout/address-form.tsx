"use client";

import { useActionState, useEffect, useRef } from "react";
import { Field, FormMessage, SelectField, SubmitButton } from "@/components/form-controls";
import { initialFormState } from "@/components/form-state";
import { ADDRESS_MAX_LENGTH, SHIPPING_COUNTRIES } from "@/lib/domain/address";
import { saveShippingAddress } from "./actions";

const COUNTRY_OPTIONS = SHIPPING_COUNTRIES.map((c) => ({ value: c.code, label: c.name }));

/** Step 1. What was typed comes back with the errors (state.values), so nothing is lost. */
export function AddressForm({ defaults }: { defaults: Record<string, string> }) {
  const [state, action] = useActionState(saveShippingAddress, initialFormState);
  const values = state.values ?? defaults;
  const errors = state.fieldErrors ?? {};
  const form = useRef<HTMLFormElement>(null);

  // Keyboard and screen reader users land on the first field to fix.
  useEffect(() => {
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [state]);

  return (
    <form ref={form} action={action} className="flex max-w-lg flex-col gap-4" noValidate>
      <Field label="Full name" name="name" autoComplete="shipping name" required maxLength={ADDRESS_MAX_LENGTH.name} defaultValue={values.name} error={errors.name} />
      <Field
        label="Address line 1"
        name="line1"
        autoComplete="shipping address-line1"
        required
        maxLength={ADDRESS_MAX_LENGTH.line1}
        defaultValue={values.line1}
        error={errors.line1}
      />
      <Field
        label="Address line 2 (optional)"
        name="line2"
        autoComplete="shipping address-line2"
        maxLength={ADDRESS_MAX_LENGTH.line2}
        defaultValue={values.line2}
        error={errors.line2}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="City" name="city" autoComplete="shipping address-level2" required maxLength={ADDRESS_MAX_LENGTH.city} defaultValue={values.city} error={errors.city} />
        <Field
          label="Postal code"
          name="postalCode"
          autoComplete="shipping postal-code"
          required
          maxLength={ADDRESS_MAX_LENGTH.postalCode}
          defaultValue={values.postalCode}
          error={errors.postalCode}
        />
      </div>
      {/* Keyed by the value: React applies a select's defaultValue only when it mounts, and the form resets after each submit. */}
      <SelectField
        key={values.country ?? ""}
        label="Country"
        name="country"
        autoComplete="shipping country"
        required
        placeholder="Choose a country"
        options={COUNTRY_OPTIONS}
        defaultValue={values.country ?? ""}
        error={errors.country}
      />
      <FormMessage ok={state.ok} message={errors.form ?? state.message} />
      <div>
        <SubmitButton>Continue to review</SubmitButton>
      </div>
    </form>
  );
}
