"use client";
import { useEffect, useRef, useState, type InputHTMLAttributes, type TextareaHTMLAttributes } from "react";
import { remainingMessage } from "@/lib/core/validation/text-limits";
import { errorProps } from "./field";

/** For fields in rows (`visibleFrom`): the count shows once this share of the limit is used. */
export const LIMIT_NEAR = 0.8;

/** How long typing must pause before a screen reader hears the count (each keystroke would be noise). */
const ANNOUNCE_AFTER_MS = 800;

interface LimitProps {
  id: string;
  /** The most characters the server keeps (TEXT_LIMITS). Not a maxLength: a longer text is shown and refused, never cut. */
  max: number;
  /** The server's message for this field, if it refused it. */
  error?: string;
  /** A hint's id to describe the field with, besides the count. */
  hintId?: string;
  /**
   * From this length on the count shows on screen (before, only a screen reader reads it with the
   * field): for short fields in rows, where a count under each would crowd the form. 0: always.
   */
  visibleFrom?: number;
}

/**
 * The field's length as the person types, and the count in words: shown at once under the field
 * (and read with it, through aria-describedby), told to a screen reader once typing pauses.
 */
function useLimit<E extends HTMLInputElement | HTMLTextAreaElement>({ id, max, error, hintId, visibleFrom = 0 }: LimitProps, initial: string) {
  const ref = useRef<E>(null);
  // A refused form's text comes back as sent (line breaks as CR LF); the field holds each as one character.
  const [length, setLength] = useState(initial.replace(/\r\n?/g, "\n").length);
  // Only typing is announced: a page of limited fields must not speak every count when it loads.
  const [typed, setTyped] = useState(false);
  const [announced, setAnnounced] = useState("");
  const countId = `${id}-count`;
  useEffect(() => {
    const form = ref.current?.form;
    if (!form) return;
    // A reset puts the default text back after the event; count it then.
    const onReset = () => setTimeout(() => ref.current && setLength(ref.current.value.length));
    form.addEventListener("reset", onReset);
    return () => form.removeEventListener("reset", onReset);
  }, []);
  useEffect(() => {
    if (!typed) return;
    const timer = setTimeout(() => setAnnounced(remainingMessage(max, length)), ANNOUNCE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [typed, max, length]);
  const base = errorProps(id, error, hintId);
  const field = {
    ref,
    id,
    onInput: (e: { currentTarget: E }) => {
      setLength(e.currentTarget.value.length);
      setTyped(true);
    },
    ...base,
    "aria-describedby": [base["aria-describedby"], countId].filter(Boolean).join(" "),
  };
  const over = length > max;
  const shown = over || length >= visibleFrom;
  const counter = (
    <>
      <p id={countId} className={shown ? `char-count${over ? " over" : ""}` : "sr-only"} aria-hidden="true">
        {remainingMessage(max, length)}
      </p>
      <p className="sr-only" aria-live="polite">
        {announced}
      </p>
    </>
  );
  return { field, counter };
}

type TextAreaProps = LimitProps & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id" | "maxLength" | "defaultValue" | "value"> & { defaultValue?: string };
type TextInputProps = LimitProps & Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "maxLength" | "defaultValue" | "value" | "type"> & { defaultValue?: string };

/** A textarea with its remaining characters under it. */
export function LimitedTextArea({ id, max, error, hintId, visibleFrom, defaultValue = "", ...rest }: TextAreaProps) {
  const { field, counter } = useLimit<HTMLTextAreaElement>({ id, max, error, hintId, visibleFrom }, defaultValue);
  return (
    <>
      <textarea {...rest} {...field} defaultValue={defaultValue} />
      {counter}
    </>
  );
}

/** A one-line text input with its remaining characters under it. */
export function LimitedTextInput({ id, max, error, hintId, visibleFrom, defaultValue = "", ...rest }: TextInputProps) {
  const { field, counter } = useLimit<HTMLInputElement>({ id, max, error, hintId, visibleFrom }, defaultValue);
  return (
    <>
      <input type="text" {...rest} {...field} defaultValue={defaultValue} />
      {counter}
    </>
  );
}
