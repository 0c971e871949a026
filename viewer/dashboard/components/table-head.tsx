// A table's header row: one column heading per name.

export function TableHead({ columns }: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((t) => (
          <th key={t} scope="col">
            {t}
          </th>
        ))}
      </tr>
    </thead>
  );
}
