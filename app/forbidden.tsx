import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="mx-auto max-w-xl px-4 py-16">
      <h1 className="text-2xl font-semibold">You don&apos;t have access to this page</h1>
      <p className="mt-2 text-slate-700">Your account has no role that allows it. Ask a Global Administrator if you need access.</p>
      <Link className="mt-4 inline-block text-blue-700 hover:underline" href="/mysecurityinfo">Go to your Security info</Link>
    </main>
  );
}
