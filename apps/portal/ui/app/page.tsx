export default function Home() {
  return (
    <main style={{ maxWidth: 480, margin: '15vh auto', padding: 24 }}>
      <h1>Atrium</h1>
      <p>This is the portal of an Atrium cluster: sign in here once, then open the libraries an admin has granted you.</p>
    </main>
  );
}
