const STEPS = ["Shipping address", "Review and place order"] as const;

export function CheckoutSteps({ current }: { current: 1 | 2 }) {
  return (
    <ol aria-label="Checkout steps" className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
      {STEPS.map((step, i) => (
        <li
          key={step}
          aria-current={i + 1 === current ? "step" : undefined}
          className={i + 1 === current ? "font-semibold text-indigo-800" : "text-slate-600"}
        >
          {i + 1}. {step}
        </li>
      ))}
    </ol>
  );
}
