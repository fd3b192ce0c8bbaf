package io.hadr4j.core.datasource;

import java.sql.*;

/**
 * The {@link DatabaseMetaData} of a {@link RouterConnection}: a plain delegating wrapper, so that
 * {@link #getConnection()} returns the router's connection rather than the pool's (which would bypass fencing),
 * errors of metadata queries reach the router, and their results are {@link RouterResultSet}s (whose
 * {@code getStatement()} is null, as JDBC allows for metadata results). The methods that query the server (those
 * that return a result) check the endpoint as statements do. The delegating methods, one a line, are generated
 * from the interface (JDK 17).
 */
final class RouterDatabaseMetaData extends RouterWrapper implements DatabaseMetaData {

    private final RouterConnection c;
    private final DatabaseMetaData r;

    RouterDatabaseMetaData(RouterConnection c, DatabaseMetaData r) {
        this.c = c;
        this.r = r;
    }

    /** The router's connection, not the pool's. */
    @Override
    public Connection getConnection() {
        return c;
    }

    @Override
    Wrapper wrapped() {
        return r;
    }

    @Override
    public String toString() {
        return "hadr4j metadata of " + c.nodeName() + " (" + r + ")";
    }

    // ---- the rest of DatabaseMetaData, generated
    @Override public ResultSet getAttributes(String p0, String p1, String p2, String p3) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getAttributes(p0, p1, p2, p3)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getBestRowIdentifier(String p0, String p1, String p2, int p3, boolean p4) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getBestRowIdentifier(p0, p1, p2, p3, p4)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getCatalogs() throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getCatalogs()); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getClientInfoProperties() throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getClientInfoProperties()); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getColumnPrivileges(String p0, String p1, String p2, String p3) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getColumnPrivileges(p0, p1, p2, p3)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getColumns(String p0, String p1, String p2, String p3) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getColumns(p0, p1, p2, p3)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getCrossReference(String p0, String p1, String p2, String p3, String p4, String p5) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getCrossReference(p0, p1, p2, p3, p4, p5)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getExportedKeys(String p0, String p1, String p2) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getExportedKeys(p0, p1, p2)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getFunctionColumns(String p0, String p1, String p2, String p3) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getFunctionColumns(p0, p1, p2, p3)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getFunctions(String p0, String p1, String p2) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getFunctions(p0, p1, p2)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getImportedKeys(String p0, String p1, String p2) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getImportedKeys(p0, p1, p2)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getIndexInfo(String p0, String p1, String p2, boolean p3, boolean p4) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getIndexInfo(p0, p1, p2, p3, p4)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getPrimaryKeys(String p0, String p1, String p2) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getPrimaryKeys(p0, p1, p2)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getProcedureColumns(String p0, String p1, String p2, String p3) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getProcedureColumns(p0, p1, p2, p3)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getProcedures(String p0, String p1, String p2) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getProcedures(p0, p1, p2)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getPseudoColumns(String p0, String p1, String p2, String p3) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getPseudoColumns(p0, p1, p2, p3)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getSchemas() throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getSchemas()); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getSchemas(String p0, String p1) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getSchemas(p0, p1)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getSuperTables(String p0, String p1, String p2) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getSuperTables(p0, p1, p2)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getSuperTypes(String p0, String p1, String p2) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getSuperTypes(p0, p1, p2)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getTablePrivileges(String p0, String p1, String p2) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getTablePrivileges(p0, p1, p2)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getTableTypes() throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getTableTypes()); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getTables(String p0, String p1, String p2, String[] p3) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getTables(p0, p1, p2, p3)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getTypeInfo() throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getTypeInfo()); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getUDTs(String p0, String p1, String p2, int[] p3) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getUDTs(p0, p1, p2, p3)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getVersionColumns(String p0, String p1, String p2) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, null, r.getVersionColumns(p0, p1, p2)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public RowIdLifetime getRowIdLifetime() throws SQLException { try { return r.getRowIdLifetime(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getCatalogSeparator() throws SQLException { try { return r.getCatalogSeparator(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getCatalogTerm() throws SQLException { try { return r.getCatalogTerm(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getDatabaseProductName() throws SQLException { try { return r.getDatabaseProductName(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getDatabaseProductVersion() throws SQLException { try { return r.getDatabaseProductVersion(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getDriverName() throws SQLException { try { return r.getDriverName(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getDriverVersion() throws SQLException { try { return r.getDriverVersion(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getExtraNameCharacters() throws SQLException { try { return r.getExtraNameCharacters(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getIdentifierQuoteString() throws SQLException { try { return r.getIdentifierQuoteString(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getNumericFunctions() throws SQLException { try { return r.getNumericFunctions(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getProcedureTerm() throws SQLException { try { return r.getProcedureTerm(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getSQLKeywords() throws SQLException { try { return r.getSQLKeywords(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getSchemaTerm() throws SQLException { try { return r.getSchemaTerm(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getSearchStringEscape() throws SQLException { try { return r.getSearchStringEscape(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getStringFunctions() throws SQLException { try { return r.getStringFunctions(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getSystemFunctions() throws SQLException { try { return r.getSystemFunctions(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getTimeDateFunctions() throws SQLException { try { return r.getTimeDateFunctions(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getURL() throws SQLException { try { return r.getURL(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getUserName() throws SQLException { try { return r.getUserName(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean allProceduresAreCallable() throws SQLException { try { return r.allProceduresAreCallable(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean allTablesAreSelectable() throws SQLException { try { return r.allTablesAreSelectable(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean autoCommitFailureClosesAllResultSets() throws SQLException { try { return r.autoCommitFailureClosesAllResultSets(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean dataDefinitionCausesTransactionCommit() throws SQLException { try { return r.dataDefinitionCausesTransactionCommit(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean dataDefinitionIgnoredInTransactions() throws SQLException { try { return r.dataDefinitionIgnoredInTransactions(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean deletesAreDetected(int p0) throws SQLException { try { return r.deletesAreDetected(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean doesMaxRowSizeIncludeBlobs() throws SQLException { try { return r.doesMaxRowSizeIncludeBlobs(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean generatedKeyAlwaysReturned() throws SQLException { try { return r.generatedKeyAlwaysReturned(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean insertsAreDetected(int p0) throws SQLException { try { return r.insertsAreDetected(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean isCatalogAtStart() throws SQLException { try { return r.isCatalogAtStart(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean isReadOnly() throws SQLException { try { return r.isReadOnly(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean locatorsUpdateCopy() throws SQLException { try { return r.locatorsUpdateCopy(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean nullPlusNonNullIsNull() throws SQLException { try { return r.nullPlusNonNullIsNull(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean nullsAreSortedAtEnd() throws SQLException { try { return r.nullsAreSortedAtEnd(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean nullsAreSortedAtStart() throws SQLException { try { return r.nullsAreSortedAtStart(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean nullsAreSortedHigh() throws SQLException { try { return r.nullsAreSortedHigh(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean nullsAreSortedLow() throws SQLException { try { return r.nullsAreSortedLow(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean othersDeletesAreVisible(int p0) throws SQLException { try { return r.othersDeletesAreVisible(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean othersInsertsAreVisible(int p0) throws SQLException { try { return r.othersInsertsAreVisible(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean othersUpdatesAreVisible(int p0) throws SQLException { try { return r.othersUpdatesAreVisible(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean ownDeletesAreVisible(int p0) throws SQLException { try { return r.ownDeletesAreVisible(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean ownInsertsAreVisible(int p0) throws SQLException { try { return r.ownInsertsAreVisible(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean ownUpdatesAreVisible(int p0) throws SQLException { try { return r.ownUpdatesAreVisible(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean storesLowerCaseIdentifiers() throws SQLException { try { return r.storesLowerCaseIdentifiers(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean storesLowerCaseQuotedIdentifiers() throws SQLException { try { return r.storesLowerCaseQuotedIdentifiers(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean storesMixedCaseIdentifiers() throws SQLException { try { return r.storesMixedCaseIdentifiers(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean storesMixedCaseQuotedIdentifiers() throws SQLException { try { return r.storesMixedCaseQuotedIdentifiers(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean storesUpperCaseIdentifiers() throws SQLException { try { return r.storesUpperCaseIdentifiers(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean storesUpperCaseQuotedIdentifiers() throws SQLException { try { return r.storesUpperCaseQuotedIdentifiers(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsANSI92EntryLevelSQL() throws SQLException { try { return r.supportsANSI92EntryLevelSQL(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsANSI92FullSQL() throws SQLException { try { return r.supportsANSI92FullSQL(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsANSI92IntermediateSQL() throws SQLException { try { return r.supportsANSI92IntermediateSQL(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsAlterTableWithAddColumn() throws SQLException { try { return r.supportsAlterTableWithAddColumn(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsAlterTableWithDropColumn() throws SQLException { try { return r.supportsAlterTableWithDropColumn(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsBatchUpdates() throws SQLException { try { return r.supportsBatchUpdates(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsCatalogsInDataManipulation() throws SQLException { try { return r.supportsCatalogsInDataManipulation(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsCatalogsInIndexDefinitions() throws SQLException { try { return r.supportsCatalogsInIndexDefinitions(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsCatalogsInPrivilegeDefinitions() throws SQLException { try { return r.supportsCatalogsInPrivilegeDefinitions(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsCatalogsInProcedureCalls() throws SQLException { try { return r.supportsCatalogsInProcedureCalls(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsCatalogsInTableDefinitions() throws SQLException { try { return r.supportsCatalogsInTableDefinitions(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsColumnAliasing() throws SQLException { try { return r.supportsColumnAliasing(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsConvert() throws SQLException { try { return r.supportsConvert(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsConvert(int p0, int p1) throws SQLException { try { return r.supportsConvert(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsCoreSQLGrammar() throws SQLException { try { return r.supportsCoreSQLGrammar(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsCorrelatedSubqueries() throws SQLException { try { return r.supportsCorrelatedSubqueries(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsDataDefinitionAndDataManipulationTransactions() throws SQLException { try { return r.supportsDataDefinitionAndDataManipulationTransactions(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsDataManipulationTransactionsOnly() throws SQLException { try { return r.supportsDataManipulationTransactionsOnly(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsDifferentTableCorrelationNames() throws SQLException { try { return r.supportsDifferentTableCorrelationNames(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsExpressionsInOrderBy() throws SQLException { try { return r.supportsExpressionsInOrderBy(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsExtendedSQLGrammar() throws SQLException { try { return r.supportsExtendedSQLGrammar(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsFullOuterJoins() throws SQLException { try { return r.supportsFullOuterJoins(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsGetGeneratedKeys() throws SQLException { try { return r.supportsGetGeneratedKeys(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsGroupBy() throws SQLException { try { return r.supportsGroupBy(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsGroupByBeyondSelect() throws SQLException { try { return r.supportsGroupByBeyondSelect(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsGroupByUnrelated() throws SQLException { try { return r.supportsGroupByUnrelated(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsIntegrityEnhancementFacility() throws SQLException { try { return r.supportsIntegrityEnhancementFacility(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsLikeEscapeClause() throws SQLException { try { return r.supportsLikeEscapeClause(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsLimitedOuterJoins() throws SQLException { try { return r.supportsLimitedOuterJoins(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsMinimumSQLGrammar() throws SQLException { try { return r.supportsMinimumSQLGrammar(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsMixedCaseIdentifiers() throws SQLException { try { return r.supportsMixedCaseIdentifiers(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsMixedCaseQuotedIdentifiers() throws SQLException { try { return r.supportsMixedCaseQuotedIdentifiers(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsMultipleOpenResults() throws SQLException { try { return r.supportsMultipleOpenResults(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsMultipleResultSets() throws SQLException { try { return r.supportsMultipleResultSets(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsMultipleTransactions() throws SQLException { try { return r.supportsMultipleTransactions(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsNamedParameters() throws SQLException { try { return r.supportsNamedParameters(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsNonNullableColumns() throws SQLException { try { return r.supportsNonNullableColumns(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsOpenCursorsAcrossCommit() throws SQLException { try { return r.supportsOpenCursorsAcrossCommit(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsOpenCursorsAcrossRollback() throws SQLException { try { return r.supportsOpenCursorsAcrossRollback(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsOpenStatementsAcrossCommit() throws SQLException { try { return r.supportsOpenStatementsAcrossCommit(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsOpenStatementsAcrossRollback() throws SQLException { try { return r.supportsOpenStatementsAcrossRollback(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsOrderByUnrelated() throws SQLException { try { return r.supportsOrderByUnrelated(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsOuterJoins() throws SQLException { try { return r.supportsOuterJoins(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsPositionedDelete() throws SQLException { try { return r.supportsPositionedDelete(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsPositionedUpdate() throws SQLException { try { return r.supportsPositionedUpdate(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsRefCursors() throws SQLException { try { return r.supportsRefCursors(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsResultSetConcurrency(int p0, int p1) throws SQLException { try { return r.supportsResultSetConcurrency(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsResultSetHoldability(int p0) throws SQLException { try { return r.supportsResultSetHoldability(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsResultSetType(int p0) throws SQLException { try { return r.supportsResultSetType(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsSavepoints() throws SQLException { try { return r.supportsSavepoints(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsSchemasInDataManipulation() throws SQLException { try { return r.supportsSchemasInDataManipulation(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsSchemasInIndexDefinitions() throws SQLException { try { return r.supportsSchemasInIndexDefinitions(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsSchemasInPrivilegeDefinitions() throws SQLException { try { return r.supportsSchemasInPrivilegeDefinitions(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsSchemasInProcedureCalls() throws SQLException { try { return r.supportsSchemasInProcedureCalls(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsSchemasInTableDefinitions() throws SQLException { try { return r.supportsSchemasInTableDefinitions(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsSelectForUpdate() throws SQLException { try { return r.supportsSelectForUpdate(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsSharding() throws SQLException { try { return r.supportsSharding(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsStatementPooling() throws SQLException { try { return r.supportsStatementPooling(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsStoredFunctionsUsingCallSyntax() throws SQLException { try { return r.supportsStoredFunctionsUsingCallSyntax(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsStoredProcedures() throws SQLException { try { return r.supportsStoredProcedures(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsSubqueriesInComparisons() throws SQLException { try { return r.supportsSubqueriesInComparisons(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsSubqueriesInExists() throws SQLException { try { return r.supportsSubqueriesInExists(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsSubqueriesInIns() throws SQLException { try { return r.supportsSubqueriesInIns(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsSubqueriesInQuantifieds() throws SQLException { try { return r.supportsSubqueriesInQuantifieds(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsTableCorrelationNames() throws SQLException { try { return r.supportsTableCorrelationNames(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsTransactionIsolationLevel(int p0) throws SQLException { try { return r.supportsTransactionIsolationLevel(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsTransactions() throws SQLException { try { return r.supportsTransactions(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsUnion() throws SQLException { try { return r.supportsUnion(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean supportsUnionAll() throws SQLException { try { return r.supportsUnionAll(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean updatesAreDetected(int p0) throws SQLException { try { return r.updatesAreDetected(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean usesLocalFilePerTable() throws SQLException { try { return r.usesLocalFilePerTable(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean usesLocalFiles() throws SQLException { try { return r.usesLocalFiles(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getDatabaseMajorVersion() throws SQLException { try { return r.getDatabaseMajorVersion(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getDatabaseMinorVersion() throws SQLException { try { return r.getDatabaseMinorVersion(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getDefaultTransactionIsolation() throws SQLException { try { return r.getDefaultTransactionIsolation(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getDriverMajorVersion() { return r.getDriverMajorVersion(); }
    @Override public int getDriverMinorVersion() { return r.getDriverMinorVersion(); }
    @Override public int getJDBCMajorVersion() throws SQLException { try { return r.getJDBCMajorVersion(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getJDBCMinorVersion() throws SQLException { try { return r.getJDBCMinorVersion(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxBinaryLiteralLength() throws SQLException { try { return r.getMaxBinaryLiteralLength(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxCatalogNameLength() throws SQLException { try { return r.getMaxCatalogNameLength(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxCharLiteralLength() throws SQLException { try { return r.getMaxCharLiteralLength(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxColumnNameLength() throws SQLException { try { return r.getMaxColumnNameLength(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxColumnsInGroupBy() throws SQLException { try { return r.getMaxColumnsInGroupBy(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxColumnsInIndex() throws SQLException { try { return r.getMaxColumnsInIndex(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxColumnsInOrderBy() throws SQLException { try { return r.getMaxColumnsInOrderBy(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxColumnsInSelect() throws SQLException { try { return r.getMaxColumnsInSelect(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxColumnsInTable() throws SQLException { try { return r.getMaxColumnsInTable(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxConnections() throws SQLException { try { return r.getMaxConnections(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxCursorNameLength() throws SQLException { try { return r.getMaxCursorNameLength(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxIndexLength() throws SQLException { try { return r.getMaxIndexLength(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxProcedureNameLength() throws SQLException { try { return r.getMaxProcedureNameLength(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxRowSize() throws SQLException { try { return r.getMaxRowSize(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxSchemaNameLength() throws SQLException { try { return r.getMaxSchemaNameLength(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxStatementLength() throws SQLException { try { return r.getMaxStatementLength(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxStatements() throws SQLException { try { return r.getMaxStatements(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxTableNameLength() throws SQLException { try { return r.getMaxTableNameLength(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxTablesInSelect() throws SQLException { try { return r.getMaxTablesInSelect(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxUserNameLength() throws SQLException { try { return r.getMaxUserNameLength(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getResultSetHoldability() throws SQLException { try { return r.getResultSetHoldability(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getSQLStateType() throws SQLException { try { return r.getSQLStateType(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public long getMaxLogicalLobSize() throws SQLException { try { return r.getMaxLogicalLobSize(); } catch (SQLException e) { throw c.failed(e); } }
}
