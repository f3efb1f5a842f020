/**
 * Rows as text in aligned columns, two spaces apart. The last column is free text (a name, a
 * label) and is never padded: names may hold characters twice as wide as others (张伟),
 * which would misalign any column after them.
 */
export const alignedColumns = (rows: readonly (readonly string[])[]): string => {
  const columns = Math.max(0, ...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(...rows.map((row) => row[column]?.length ?? 0)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
        )
        .join("  "),
    )
    .join("\n");
};
