/*
 * The gin-config language (google/gin-config 0.5, gin/config_parser.py), as an ANTLR4 grammar.
 *
 * gin parses with Python's own tokenizer and a recursive-descent parser; this grammar mirrors both:
 *  - the lexer rules below are Python 3.11's tokenize regexes (NAME, NUMBER, STRING, operators, comments);
 *  - line structure (NEWLINE vs. blank-line NL, INDENT/DEDENT, implicit joining inside brackets, backslash
 *    joining, the EOF rules) lives in GinLayout, a token source wrapping the lexer, as tokenize does it;
 *  - the parser rules follow ConfigParser.parse_statement/parse_value one to one and are LL(1) (LL(2) after a
 *    leading '-') so errors surface at the same token as in gin. Checks gin makes on token text (selector
 *    format, identifiers, literal_eval) are one method call each in GinParserBase.
 *
 * Config syntax, by example:
 *   scope/module.Name.param = value      binding           Name:            block
 *   MACRO = value                        macro definition    param = value
 *   import a.b as c / from a import b    import            include 'other.gin'
 *   values: Python literals, [..] (..) {..}, @name, @scope/name(), %MACRO, %scope/MACRO
 */
grammar Gin;

options { superClass = GinParserBase; }

// Synthesised by GinLayout: INDENT/DEDENT and NL (a newline that ends no statement, kept hidden) as tokenize
// emits them, LAYOUT_ERROR for what tokenize raises (bad dedent, EOF inside brackets or a string).
tokens { INDENT, DEDENT, NL, LAYOUT_ERROR }


// ---------------------------------------------------------------------------------------------- statements

config
    : ( INDENT | DEDENT | statement )* EOF
    ;

statement
    : key=selector[true, false] { setStatementKey($key.ctx); } statementBody statementEnd
    ;

// gin decides by the token after the key: '=' binding, ':' block, else the key must be a keyword.
statementBody
    : ASSIGN value                                                  #bindingBody
    | COLON blockBody                                               #blockDeclaration
    | { keyIs("import") }? selector[false, false] importAlias?      #importBody
    | { keyIs("from") }? selector[false, false] fromImport importAlias?  #fromImportBody
    | { keyIs("include") }? includePath                             #includeBody
    ;

statementEnd
    : NEWLINE
    | DEDENT
    | { atEndOfInput() }?
    ;

blockBody
    : NEWLINE INDENT blockBinding+
    ;

blockBinding
    : NAME { checkIdentifier(); } ASSIGN value NEWLINE
    ;

fromImport
    : NAME { expectWord("import"); } NAME { checkIdentifier(); }
    ;

importAlias
    : { nextWordIs("as") }? NAME NAME { checkIdentifier(); }
    ;

includePath
    : literal
    ;

// A possibly scoped, dotted name. gin reads alternating NAME and '/' or '.' tokens until a comment or a
// newline token intervenes, then checks the text (no inner whitespace) and the format.
selector[boolean scoped, boolean periodsInScope]
    : NAME ( { joined() }? ( SLASH | DOT ) ( { joined() }? NAME )? )*
      { checkSelector($ctx, $scoped, $periodsInScope); }
    ;

// -------------------------------------------------------------------------------------------------- values

value
    : container                                                     #containerValue
    | literal                                                       #literalValue
    | MINUS? reference                                              #referenceValue
    | MINUS? macro                                                  #macroValue
    ;

container
    : LPAREN ( value ( COMMA value )* trailing=COMMA? )? RPAREN     #tupleOrParens
    | LBRACK ( value ( COMMA value )* COMMA? )? RBRACK              #list
    | LBRACE ( dictItem ( COMMA dictItem )* COMMA? )? RBRACE { checkDictKeys(_localctx); }   #dict
    ;

dictItem
    : value COLON value
    ;

// gin glues the token texts (a leading '-', then a NAME, a NUMBER or adjacent STRINGs) and hands each prefix
// to ast.literal_eval, failing at the first token whose prefix does not evaluate.
literal locals [StringBuilder text = new StringBuilder(), Object result]
    : ( MINUS { $text.append("-"); } )?
      ( NAME { $result = evalLiteral($text); }
      | NUMBER { $result = evalLiteral($text); }
      | STRING { $result = evalLiteral($text); } ( STRING { $result = evalLiteral($text); } )*
      )
    ;

reference
    : AT { requireJoined(); } selector[true, true] ( evaluate=LPAREN RPAREN )?
    ;

macro
    : PERCENT { requireJoined(); } selector[true, true]
    ;

// -------------------------------------------------------------------------------------------------- tokens
// Python 3.11 tokenize: Number is tried before Name, strings before names, longest operator first.

NUMBER
    : IMAG_NUMBER
    | FLOAT_NUMBER
    | INT_NUMBER
    ;

STRING
    : STRING_PREFIX? ( SHORT_STRING_SQ | SHORT_STRING_DQ | LONG_STRING_SQ | LONG_STRING_DQ )
    ;

// A triple-quoted string that never closes; tokenize raises "EOF in multi-line string" at its start.
UNTERMINATED_LONG_STRING
    : STRING_PREFIX? ( '\'\'\'' LONG_BODY_SQ* | '"""' LONG_BODY_DQ* )
    ;

NAME
    : ID_START ID_CONTINUE*
    ;

ASSIGN  : '=' ;
COLON   : ':' ;
COMMA   : ',' ;
DOT     : '.' ;
SLASH   : '/' ;
MINUS   : '-' ;
AT      : '@' ;
PERCENT : '%' ;
LPAREN  : '(' ;
RPAREN  : ')' ;
LBRACK  : '[' ;
RBRACK  : ']' ;
LBRACE  : '{' ;
RBRACE  : '}' ;

// Every other operator tokenize knows; gin accepts none of them, but each is one token (so '==' is not '=').
OTHER_OP
    : '!=' | '%=' | '&' | '&=' | '*' | '**' | '**=' | '*=' | '+' | '+=' | '-=' | '->' | '...' | '//' | '//='
    | '/=' | ':=' | ';' | '<' | '<<' | '<<=' | '<=' | '==' | '>' | '>=' | '>>' | '>>=' | '@=' | '^' | '^='
    | '|' | '|=' | '~'
    ;

NEWLINE      : '\n' ;
COMMENT      : '#' ~[\n]* ;
WS           : [ \t\f]+ ;
LINE_JOINING : '\\' '\n' ;

// Anything else is one ERRORTOKEN character, as in tokenize; gin fails when it reaches one.
ERRORTOKEN   : . ;

fragment DIGIT_PART    : [0-9] ( '_'? [0-9] )* ;
fragment EXPONENT      : [eE] [-+]? DIGIT_PART ;
fragment POINT_FLOAT   : ( DIGIT_PART '.' DIGIT_PART? | '.' DIGIT_PART ) EXPONENT? ;
fragment EXP_FLOAT     : DIGIT_PART EXPONENT ;
fragment FLOAT_NUMBER  : POINT_FLOAT | EXP_FLOAT ;
fragment IMAG_NUMBER   : ( DIGIT_PART | FLOAT_NUMBER ) [jJ] ;
fragment INT_NUMBER
    : '0' [xX] ( '_'? [0-9a-fA-F] )+
    | '0' [bB] ( '_'? [01] )+
    | '0' [oO] ( '_'? [0-7] )+
    | '0' ( '_'? '0' )*
    | [1-9] ( '_'? [0-9] )*
    ;

fragment STRING_PREFIX : [rRuUfFbB] | [bB] [rR] | [rR] [bB] | [fF] [rR] | [rR] [fF] ;
// Short strings may span lines only through a backslash before the newline.
fragment SHORT_STRING_SQ : '\'' ( ~[\\'\n] | '\\' . )* '\'' ;
fragment SHORT_STRING_DQ : '"' ( ~[\\"\n] | '\\' . )* '"' ;
fragment LONG_STRING_SQ  : '\'\'\'' LONG_BODY_SQ* '\'\'\'' ;
fragment LONG_STRING_DQ  : '"""' LONG_BODY_DQ* '"""' ;
// tokenize's Single3/Double3: a quote may appear unless two more follow it.
fragment LONG_BODY_SQ    : ~[\\'] | '\\' . | '\'' { !(_input.LA(1) == '\'' && _input.LA(2) == '\'') }? ;
fragment LONG_BODY_DQ    : ~[\\"] | '\\' . | '"' { !(_input.LA(1) == '"' && _input.LA(2) == '"') }? ;

fragment ID_START    : [\p{L}\p{Nl}_] ;
fragment ID_CONTINUE : [\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}] ;
