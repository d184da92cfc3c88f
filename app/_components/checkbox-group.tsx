import { FieldError } from "./field";

/**
 * A fieldset of checkboxes sharing one `name`, one per code in the vocabulary's order. Its error is the
 * field's own or, failing that, the first of its items' (`name.0`, …), shown under the boxes.
 */
export function CheckboxGroup<C extends string>(props: {
  legend: string;
  name: string;
  codes: readonly C[];
  labels: Record<C, string>;
  checked: readonly string[];
  errorId: string;
  fields: Record<string, string>;
}) {
  const { legend, name, codes, labels, checked, errorId, fields } = props;
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div className="checks">
        {codes.map((code) => (
          <label key={code}>
            <input type="checkbox" name={name} value={code} defaultChecked={checked.includes(code)} /> {labels[code]}
          </label>
        ))}
      </div>
      <FieldError id={errorId} error={fields[name] ?? Object.entries(fields).find(([k]) => k.startsWith(`${name}.`))?.[1]} />
    </fieldset>
  );
}
