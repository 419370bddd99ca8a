"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { Field } from "@/components/form-controls";

type Problem = { detail?: string; errors?: { path: string; message: string }[] };
type Errors = { file?: string; alt?: string };

/** The field messages of a problem answer: body.file and body.alt by their fields, anything else by the file. */
async function errorsOf(response: Response): Promise<Errors> {
  const problem = (await response.json().catch(() => ({}))) as Problem;
  const at = (path: string) => problem.errors?.find((e) => e.path === path)?.message;
  const alt = at("body.alt");
  const file = at("body.file") ?? (alt ? undefined : (problem.detail ?? `The upload failed (${response.status}). Try again.`));
  return { file, alt };
}

/** Moves focus to a field whose message just appeared (after React has rendered it, so it is announced with it). */
function focusField(form: HTMLFormElement, name: "file" | "alt") {
  requestAnimationFrame(() => (form.elements.namedItem(name) as HTMLInputElement | null)?.focus());
}

/**
 * Uploads one image of a product to POST /api/v1/admin/products/{id}/images
 * (multipart, the admin's session cookie authenticating it; the browser sends
 * the Origin handle() checks), then refreshes the page so the new image shows.
 * A refusal's message sits by its field.
 */
export function ProductImageUpload({ productId }: { productId: string }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Errors>({});
  const [added, setAdded] = useState(false);
  const [sending, setSending] = useState(false);
  const [refreshing, startTransition] = useTransition();

  async function upload(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setErrors({});
    setAdded(false);
    setSending(true);
    try {
      const response = await fetch(`/api/v1/admin/products/${encodeURIComponent(productId)}/images`, {
        method: "POST",
        body: new FormData(form),
        headers: { accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.status === 201) {
        form.reset();
        // The refreshed image list and the confirmation show together.
        startTransition(() => {
          router.refresh();
          setAdded(true);
        });
        return;
      }
      const found = await errorsOf(response);
      setErrors(found);
      focusField(form, found.file ? "file" : "alt");
    } catch {
      setErrors({ file: "The upload could not be sent. Check your connection and try again." });
      focusField(form, "file");
    } finally {
      setSending(false);
    }
  }

  return (
    <form onSubmit={upload} className="flex flex-col gap-3">
      <Field label="Image file (JPEG, PNG or WebP, at most 5 MB)" name="file" type="file" required accept="image/jpeg,image/png,image/webp" error={errors.file} className="text-sm" />
      <Field label="Description of the image (alt text, optional)" name="alt" maxLength={200} error={errors.alt} />
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="submit"
          disabled={sending || refreshing}
          className="rounded bg-indigo-700 px-4 py-2 font-medium text-white hover:bg-indigo-800 disabled:opacity-60"
        >
          Upload image
        </button>
        {added ? (
          <p role="status" className="text-sm text-green-700">
            Image uploaded.
          </p>
        ) : null}
      </div>
    </form>
  );
}
