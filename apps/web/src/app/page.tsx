import { SearchApp } from '../components/SearchApp';

export default function SearchPage() {
  return <SearchApp />;
}
