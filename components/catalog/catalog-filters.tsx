import type { CategorySummary } from "@/lib/domain/catalog";
import type { FieldProblem } from "@/components/catalog/search-params";

const SORT_OPTIONS = [
  // Blank means the default: best match when there are words, else by name.
  ["", "Best match"],
  ["name", "Name (A–Z)"],
  ["price_asc", "Price: low to high"],
  ["price_desc", "Price: high to low"],
  ["newest", "Newest"],
] as const;

const input = "w-full rounded border border-slate-300 bg-white px-2 py-1.5";

/**
 * The search and filter form. A plain GET form to "/": it works without
 * JavaScript, every choice lands in the URL (so links, reloads and the back
 * button reproduce the listing), and "/" forwards a chosen category to
 * /categories/<slug>. Submitting starts at page 1 again (no page field).
 */
export function CatalogFilters({
  categories,
  currentCategory,
  values,
  problems,
}: {
  categories: CategorySummary[];
  currentCategory: string | null;
  /** The values to show, as typed (from the URL). */
  values: Record<string, string>;
  problems: FieldProblem[];
}) {
  const error = (field: string) => problems.find((p) => p.field === field)?.message;
  const describedBy = (field: string) => (error(field) ? `filter-${field}-error` : undefined);
  const message = (field: string) =>
    error(field) ? (
      <p id={`filter-${field}-error`} className="text-sm text-red-700">
        {error(field)}
      </p>
    ) : null;

  return (
    // autoComplete off: after Back, the browser would otherwise restore what was
    // last typed instead of what the URL (and the results) say. The key remounts
    // the fields whenever the listing state changes.
    <form
      key={JSON.stringify(values)}
      method="get"
      action="/"
      role="search"
      aria-label="Search and filter products"
      autoComplete="off"
      className="flex flex-col gap-3 text-sm"
    >
      <div className="flex flex-col gap-1">
        <label htmlFor="filter-q" className="font-medium">
          Search
        </label>
        <input
          id="filter-q"
          type="search"
          name="q"
          defaultValue={values.q ?? ""}
          maxLength={100}
          placeholder="e.g. walnut bowl"
          aria-invalid={error("q") ? true : undefined}
          aria-describedby={describedBy("q")}
          className={input}
        />
        {message("q")}
      </div>

      <div className="flex flex-col gap-1">
        <label htmlFor="filter-category" className="font-medium">
          Category
        </label>
        <select id="filter-category" name="category" defaultValue={currentCategory ?? values.category ?? ""} className={input}>
          <option value="">All categories</option>
          {categories.map((c) => (
            <option key={c.slug} value={c.slug}>
              {c.name}
            </option>
          ))}
        </select>
        {message("category")}
      </div>

      <fieldset className="flex flex-col gap-1">
        <legend className="font-medium">Price (USD)</legend>
        <div className="flex items-center gap-2">
          <label htmlFor="filter-minPrice" className="sr-only">
            Min price
          </label>
          <input
            id="filter-minPrice"
            name="minPrice"
            inputMode="decimal"
            placeholder="Min"
            defaultValue={values.minPrice ?? ""}
            aria-invalid={error("minPrice") ? true : undefined}
            aria-describedby={describedBy("minPrice")}
            className={input}
          />
          <span aria-hidden="true">–</span>
          <label htmlFor="filter-maxPrice" className="sr-only">
            Max price
          </label>
          <input
            id="filter-maxPrice"
            name="maxPrice"
            inputMode="decimal"
            placeholder="Max"
            defaultValue={values.maxPrice ?? ""}
            aria-invalid={error("maxPrice") ? true : undefined}
            aria-describedby={describedBy("maxPrice")}
            className={input}
          />
        </div>
        {message("minPrice")}
        {message("maxPrice")}
      </fieldset>

      <div className="flex items-center gap-2">
        <input
          id="filter-inStock"
          type="checkbox"
          name="inStock"
          value="1"
          defaultChecked={["1", "true", "on"].includes(values.inStock ?? "")}
          className="h-4 w-4"
        />
        <label htmlFor="filter-inStock">In stock only</label>
      </div>
      {message("inStock")}

      <div className="flex flex-col gap-1">
        <label htmlFor="filter-sort" className="font-medium">
          Sort by
        </label>
        <select id="filter-sort" name="sort" defaultValue={values.sort === "relevance" ? "" : (values.sort ?? "")} className={input}>
          {SORT_OPTIONS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        {message("sort")}
      </div>

      <button type="submit" className="rounded bg-indigo-700 px-4 py-2 font-medium text-white hover:bg-indigo-800">
        Apply
      </button>
    </form>
  );
}
