import { redirect } from "next/navigation";

/** The portal's front door is the user's Security info (sign-in first when needed). */
export default function HomePage() {
  redirect("/mysecurityinfo");
}
