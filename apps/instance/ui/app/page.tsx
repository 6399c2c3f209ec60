export default function Home() {
  return (
    <main style={{ maxWidth: 480, margin: '15vh auto', padding: 24 }}>
      <h1>Atrium library</h1>
      <p>This library is part of an Atrium cluster. Sign in through the cluster&apos;s portal to open it.</p>
    </main>
  );
}
