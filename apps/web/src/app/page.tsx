import { SearchApp } from '../components/search/SearchApp';

export default function SearchPage() {
  return <SearchApp />;
}
