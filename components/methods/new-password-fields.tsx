import { TextField } from "@/components/ui/text-field";

/** The new password, twice, with the rules in the hint: Change password and the sign-in's "Update your password" alike. */
export function NewPasswordFields({ minLength, errors }: { minLength: number; errors: Record<string, string[] | undefined> }) {
  return (
    <>
      <TextField
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        minLength={minLength}
        hint={`At least ${minLength} characters. Long passphrases are welcome; common passwords and your user name aren't.`}
        errors={errors.newPassword}
      />
      <TextField label="Confirm new password" name="confirmPassword" type="password" autoComplete="new-password" required errors={errors.confirmPassword} />
    </>
  );
}
