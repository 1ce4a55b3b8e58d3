export type FieldErrorProps = { id: string; message?: string };

/** The error under a form field; its id goes into the field's aria-describedby. */
export function FieldError({ id, message }: FieldErrorProps) {
  if (!message) return null;
  return (
    <p id={id} className="mt-1.5 text-sm text-red-700">
      {message}
    </p>
  );
}
