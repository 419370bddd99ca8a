"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition, type FormEvent } from "react";

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
  const fileInput = useRef<HTMLInputElement>(null);
  const altInput = useRef<HTMLInputElement>(null);

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
      (found.file ? fileInput : altInput).current?.focus();
    } catch {
      setErrors({ file: "The upload could not be sent. Check your connection and try again." });
      fileInput.current?.focus();
    } finally {
      setSending(false);
    }
  }

  return (
    <form onSubmit={upload} className="flex flex-col gap-3">
      <div className="flex flex-col gap-1">
        <label htmlFor="field-file" className="text-sm font-medium">
          Image file (JPEG, PNG or WebP, at most 5 MB)
        </label>
        <input
          ref={fileInput}
          id="field-file"
          name="file"
          type="file"
          required
          accept="image/jpeg,image/png,image/webp"
          aria-invalid={errors.file ? true : undefined}
          aria-describedby={errors.file ? "field-file-error" : undefined}
          className="text-sm"
        />
        {errors.file ? (
          <p id="field-file-error" role="alert" className="text-sm text-red-700">
            {errors.file}
          </p>
        ) : null}
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="field-alt" className="text-sm font-medium">
          Description of the image (alt text, optional)
        </label>
        <input
          ref={altInput}
          id="field-alt"
          name="alt"
          maxLength={200}
          aria-invalid={errors.alt ? true : undefined}
          aria-describedby={errors.alt ? "field-alt-error" : undefined}
          className="rounded border border-slate-300 px-3 py-2"
        />
        {errors.alt ? (
          <p id="field-alt-error" role="alert" className="text-sm text-red-700">
            {errors.alt}
          </p>
        ) : null}
      </div>
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
