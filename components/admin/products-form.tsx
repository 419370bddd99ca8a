"use client";

import { useActionState, useEffect, useRef } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form-controls";
import { initialFormState, type FormState } from "@/components/form-state";

export interface ProductFormValues {
  id?: string;
  version?: string;
  name: string;
  sku: string;
  slug: string;
  description: string;
  price: string;
  lowStockThreshold: string;
  categoryIds: readonly string[];
}

type Action = (state: FormState, formData: FormData) => Promise<FormState>;

/**
 * Create and edit share this form. What was typed comes back with the errors
 * (state.values), so nothing is lost; each error sits under its field and is
 * announced with it (aria-describedby), and focus moves to the first one.
 */
export function ProductForm({
  action,
  defaults,
  categories,
  mode,
}: {
  action: Action;
  defaults: ProductFormValues;
  categories: readonly { id: string; name: string }[];
  mode: "create" | "edit";
}) {
  const [state, formAction] = useActionState(action, initialFormState);
  const { categoryIds, ...plain } = defaults;
  const values: Record<string, string | undefined> = state.values ?? {
    ...plain,
    ...Object.fromEntries(categoryIds.map((id) => [`category:${id}`, "on"])),
  };
  const errors = state.fieldErrors ?? {};
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [state]);

  const categoryError = errors.categoryIds;
  return (
    <form ref={form} action={formAction} className="flex max-w-2xl flex-col gap-4" noValidate aria-label={mode === "create" ? "New product" : "Edit product"}>
      {mode === "edit" ? (
        <>
          <input type="hidden" name="id" value={defaults.id} readOnly />
          <input type="hidden" name="version" value={defaults.version} readOnly />
        </>
      ) : null}
      <Field label="Name" name="name" required maxLength={200} defaultValue={values.name} error={errors.name} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="SKU" name="sku" required maxLength={64} defaultValue={values.sku} error={errors.sku} />
        <div className="flex flex-col gap-1">
          <Field
            label="Slug (web address; generated when left empty)"
            name="slug"
            maxLength={160}
            pattern="[a-z0-9]+(-[a-z0-9]+)*"
            defaultValue={values.slug}
            error={errors.slug}
          />
        </div>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Price (USD, e.g. 12.50)" name="price" inputMode="decimal" required defaultValue={values.price} error={errors.price} />
        <Field
          label="Low-stock threshold"
          name="lowStockThreshold"
          inputMode="numeric"
          defaultValue={values.lowStockThreshold}
          error={errors.lowStockThreshold}
        />
      </div>
      {mode === "create" ? (
        <Field label="Initial stock" name="initialStock" inputMode="numeric" defaultValue={values.initialStock ?? "0"} error={errors.initialStock} />
      ) : null}
      <div className="flex flex-col gap-1">
        <label htmlFor="field-description" className="text-sm font-medium">
          Description
        </label>
        <textarea
          id="field-description"
          name="description"
          rows={5}
          maxLength={5000}
          defaultValue={values.description}
          aria-invalid={errors.description ? true : undefined}
          aria-describedby={errors.description ? "field-description-error" : undefined}
          className="rounded border border-slate-300 px-3 py-2"
        />
        {errors.description ? (
          <p id="field-description-error" className="text-sm text-red-700">
            {errors.description}
          </p>
        ) : null}
      </div>
      <fieldset className="flex flex-col gap-1" aria-describedby={categoryError ? "field-categoryIds-error" : undefined}>
        <legend className="text-sm font-medium">Categories (at least one)</legend>
        <div className="flex flex-wrap gap-x-4 gap-y-1">
          {categories.map((c, i) => (
            <label key={`${c.id}-${values[`category:${c.id}`] ?? ""}`} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                name={`category:${c.id}`}
                defaultChecked={values[`category:${c.id}`] === "on"}
                aria-invalid={categoryError && i === 0 ? true : undefined}
                aria-describedby={categoryError ? "field-categoryIds-error" : undefined}
              />
              {c.name}
            </label>
          ))}
        </div>
        {categoryError ? (
          <p id="field-categoryIds-error" className="text-sm text-red-700">
            {categoryError}
          </p>
        ) : null}
      </fieldset>
      <FormMessage ok={state.ok} message={errors.form ?? state.message} />
      <div>
        <SubmitButton>{mode === "create" ? "Create product" : "Save changes"}</SubmitButton>
      </div>
    </form>
  );
}
