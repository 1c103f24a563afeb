export function Checkout({ email }: { email: string }) {
  console.log("checkout for", email);
  const apiUrl = process.env.NEXT_PUBLIC_API_URL;
  try {
    return <form action={apiUrl}>{email}</form>;
  } catch (e) {}
}
