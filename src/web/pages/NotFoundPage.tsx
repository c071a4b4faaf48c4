import { Link } from 'react-router';
import { useTitle } from '../hooks';

export function NotFoundPage() {
  useTitle('Page not found');
  return (
    <section className="card">
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <p>
        <Link to="/">Go to Milepost</Link>
      </p>
    </section>
  );
}
