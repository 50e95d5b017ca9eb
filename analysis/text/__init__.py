"""Text: segmentation with jieba, government terms and stopwords."""
