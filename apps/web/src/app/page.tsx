export default function Home() {
  return <main>Loupe</main>;
}
